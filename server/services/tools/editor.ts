/**
 * Every file tool reads and writes through here. It keeps what the model did not touch (line
 * endings, a byte-order mark), refuses an edit when the file changed since the model last read
 * it in this chat (its content hash differs from what `cat` returned), checks after writing
 * that the disk holds what was written, tells the index at once, and answers with Refact's
 * `DiffChunk` list. A refused or failed edit is an error value, never a success.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DiffChunk } from '../../../src/protocol/tools';
import { diffChunks, fileChunk } from '../../core/tools/diff-chunks';
import { decodeText, encodeText, type DecodedText } from '../../core/tools/text-codec';
import type { EditOutcome } from '../../core/tools/text-edits';

/** What one chat has seen of the files: path → hash of the bytes when the model last read or wrote them. */
export interface ChatFileState {
  readHashes: Map<string, string>;
}

export function newChatFileState(): ChatFileState {
  return { readHashes: new Map() };
}

export type FileChangeKind = 'created' | 'changed' | 'deleted';

export interface EditorDeps {
  /** Tells the index a file changed (the same path as the editor's watched-file events). */
  onFileChanged: (kind: FileChangeKind, path: string) => void;
  /** The IDE's text of an open document, or null: unsaved changes there must not be overwritten. */
  openText?: (path: string) => string | null;
}

export type ReadOutcome = ({ ok: true; hash: string } & DecodedText) | { ok: false; error: string };

export type EditResult =
  | { ok: true; before: string; after: string; chunks: DiffChunk[] }
  | { ok: false; error: string };

export interface EditOptions {
  dryRun?: boolean;
  /** Line-number edits need the model to have read the file, or its numbers are guesses. */
  requireRead?: boolean;
}

export class Editor {
  /** One write at a time per file, so two tool calls on one file cannot interleave. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: EditorDeps) {}

  async read(path: string): Promise<ReadOutcome> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      return { ok: false, error: `Cannot read "${path}": ${describeFsError(error)}` };
    }
    const decoded = decodeText(bytes);
    if ('error' in decoded) return { ok: false, error: `Cannot use "${path}" as text: ${decoded.error}.` };
    return { ok: true, hash: hashOf(bytes), ...decoded };
  }

  /** Records that the model saw this version of the file (what `cat` returned). */
  noteRead(state: ChatFileState, path: string, hash: string): void {
    state.readHashes.set(path, hash);
  }

  /** Changes an existing file with a pure text edit. */
  edit(state: ChatFileState, path: string, change: (text: string) => EditOutcome, options: EditOptions = {}): Promise<EditResult> {
    return this.locked(path, async () => {
      const current = await this.read(path);
      if (!current.ok) return current;
      const stale = this.staleness(state, path, current.hash, options.requireRead ?? false) ?? this.unsaved(path, current.text);
      if (stale) return { ok: false, error: stale };
      const changed = change(current.text);
      if (!changed.ok) return changed;
      if (changed.text === current.text) return { ok: false, error: `The edit leaves "${path}" unchanged (the new text equals the old), so nothing was written.` };
      const chunks = diffChunks(path, current.text, changed.text);
      if (options.dryRun) return { ok: true, before: current.text, after: changed.text, chunks };
      const written = await this.write(state, path, changed.text, current, 'changed');
      return written ?? { ok: true, before: current.text, after: changed.text, chunks };
    });
  }

  /** Creates a file, or replaces all of an existing one (keeping its line endings and BOM). */
  create(state: ChatFileState, path: string, content: string, options: EditOptions = {}): Promise<EditResult> {
    return this.locked(path, async () => {
      const existing = await readFile(path).then((b) => b, () => null);
      let current: (DecodedText & { hash: string }) | null = null;
      if (existing) {
        const decoded = decodeText(existing);
        if ('error' in decoded) return { ok: false, error: `Refusing to replace "${path}": ${decoded.error}.` };
        current = { ...decoded, hash: hashOf(existing) };
        const stale = this.staleness(state, path, current.hash, false) ?? this.unsaved(path, current.text);
        if (stale) return { ok: false, error: stale };
      }
      const after = content.replace(/\r\n/g, '\n');
      const chunks = current ? diffChunks(path, current.text, after) : [fileChunk('add', path, after)];
      if (options.dryRun) return { ok: true, before: current?.text ?? '', after, chunks };
      if (!existing) {
        try {
          await mkdir(dirname(path), { recursive: true });
        } catch (error) {
          return { ok: false, error: `Cannot create the folder of "${path}": ${describeFsError(error)}` };
        }
      }
      // A new file keeps the line ends the model wrote.
      const form = current ?? { bom: null, crlf: content.includes('\r\n'), text: '', hash: '' };
      const written = await this.write(state, path, after, form, current ? 'changed' : 'created');
      return written ?? { ok: true, before: current?.text ?? '', after, chunks };
    });
  }

  /** After a removal or a move, the chat's record of the old path is dropped. */
  forget(state: ChatFileState, path: string): void {
    for (const known of [...state.readHashes.keys()]) if (known === path || known.startsWith(`${path}/`)) state.readHashes.delete(known);
  }

  notify(kind: FileChangeKind, path: string): void {
    this.deps.onFileChanged(kind, path);
  }

  /** An open document whose text differs from the disk has unsaved edits the write would clobber. */
  private unsaved(path: string, diskText: string): string | null {
    const open = this.deps.openText?.(path);
    if (open === null || open === undefined || open.replace(/\r\n/g, '\n') === diskText) return null;
    return `"${path}" has unsaved changes in the editor. Nothing was written. Ask the user to save or discard them, then read the file again with cat().`;
  }

  private staleness(state: ChatFileState, path: string, hash: string, requireRead: boolean): string | null {
    const seen = state.readHashes.get(path);
    if (seen === undefined) {
      return requireRead ? `"${path}" has not been read in this chat, so its line numbers are unknown. Nothing was written. Read it with cat() first, then edit by lines.` : null;
    }
    if (seen === hash) return null;
    return `"${path}" changed on disk since you last read it (edited outside this chat, or by another tool). Nothing was written. Read it again with cat() and make the edit on its current content.`;
  }

  /** Writes and reads back; null when the disk now holds the new text, else the failure. */
  private async write(state: ChatFileState, path: string, text: string, form: Pick<DecodedText, 'bom' | 'crlf'>, kind: FileChangeKind): Promise<EditResult | null> {
    const bytes = encodeText(text, form);
    try {
      await writeFile(path, bytes);
    } catch (error) {
      return { ok: false, error: `Writing "${path}" failed: ${describeFsError(error)}. The file was not changed.` };
    }
    const back = await readFile(path).catch(() => null);
    if (!back || !back.equals(Buffer.from(bytes))) return { ok: false, error: `Writing "${path}" did not take: the file on disk differs from what was written (another program may be changing it).` };
    state.readHashes.set(path, hashOf(back));
    this.notify(kind, path);
    return null;
  }

  private async locked<T>(path: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(path) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(path, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(path) === tail) this.locks.delete(path);
    }
  }
}

export function hashOf(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    default: return e.message ?? String(error);
  }
}
