/**
 * The file-changing tools: `create_textdoc`, `update_textdoc`, `update_textdoc_regex`,
 * `update_textdoc_by_lines`, `rm`, `mv`. Paths are confined to the workspace, privacy rules
 * apply, and every write goes through the editor (stale-edit refusal, line endings, index,
 * DiffChunks). `dryRun` computes the same answer without touching the disk
 * (`/v1/file_edit_tool_dry_run`).
 */
import { copyFile, lstat, mkdir, readdir, rename, rm as removePath, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DiffChunk } from '../../../src/protocol/tools';
import { bool, str, type ToolArgs } from '../../core/tools/args';
import { fileChunk, renameChunk } from '../../core/tools/diff-chunks';
import { replaceLines, replaceRegex, replaceString } from '../../core/tools/text-edits';
import { describeFsError, type EditResult, type Editor } from './editor';
import { failed, privacyRefusal, type PrivacyGate, type ToolContext, type ToolResult } from './tool-types';
import { resolveToolPath } from './workspace-paths';

export interface FileToolDeps {
  editor: Editor;
  privacy: PrivacyGate | null;
}

export const EDIT_TOOL_NAMES = ['create_textdoc', 'update_textdoc', 'update_textdoc_regex', 'update_textdoc_by_lines'] as const;

/** Runs an edit tool; `dryRun` leaves the disk alone. The result carries before/after for the dry-run route. */
export async function runEditTool(name: string, args: ToolArgs, ctx: ToolContext, deps: FileToolDeps, dryRun = false): Promise<EditResult> {
  const resolved = await resolveToolPath(str(args, 'path'), ctx.roots);
  if (!resolved.ok) return resolved;
  const refused = await privacyRefusal(deps.privacy, resolved.path, ctx);
  if (refused) return { ok: false, error: refused };
  const path = resolved.path;
  if (name === 'create_textdoc') return deps.editor.create(ctx.files, path, str(args, 'content'), { dryRun });
  if (!resolved.exists) return { ok: false, error: `"${path}" does not exist. Use create_textdoc to create a new file.` };
  switch (name) {
    case 'update_textdoc':
      return deps.editor.edit(ctx.files, path, (text) => replaceString(text, str(args, 'old_str'), str(args, 'replacement'), bool(args, 'multiple'), path), { dryRun });
    case 'update_textdoc_regex':
      return deps.editor.edit(ctx.files, path, (text) => replaceRegex(text, str(args, 'pattern'), str(args, 'replacement'), bool(args, 'multiple'), path), { dryRun });
    case 'update_textdoc_by_lines':
      return deps.editor.edit(ctx.files, path, (text) => replaceLines(text, str(args, 'content'), str(args, 'ranges')), { dryRun, requireRead: true });
    default:
      return { ok: false, error: `${name} is not a file edit tool` };
  }
}

export async function editTool(name: string, args: ToolArgs, ctx: ToolContext, deps: FileToolDeps): Promise<ToolResult> {
  const result = await runEditTool(name, args, ctx, deps);
  if (!result.ok) return failed(result.error);
  return { ok: true, content: describeChunks(result.chunks), diff: result.chunks };
}

function describeChunks(chunks: DiffChunk[]): string {
  const file = chunks[0]?.file_name ?? '';
  if (chunks[0]?.file_action === 'add') return `Created "${file}" (${chunks[0].lines_add.split('\n').length - 1} lines).`;
  const where = chunks.map((c) => (c.line2 > c.line1 ? `${c.line1}-${c.line2 - 1}` : `${c.line1}`)).join(', ');
  return `Changed "${file}": ${chunks.length} chunk${chunks.length === 1 ? '' : 's'} at old line${chunks.length === 1 ? '' : 's'} ${where}. The file on disk now holds the new text.`;
}

export async function rmTool(args: ToolArgs, ctx: ToolContext, deps: FileToolDeps): Promise<ToolResult> {
  const resolved = await resolveToolPath(str(args, 'path'), ctx.roots);
  if (!resolved.ok) return failed(resolved.error);
  const path = resolved.path;
  if (ctx.roots.includes(path)) return failed(`"${path}" is a workspace folder itself; rm does not remove workspace folders.`);
  const info = await lstat(path).catch(() => null);
  if (!info) return failed(`"${path}" does not exist, nothing was removed.`);
  const refused = await privacyRefusal(deps.privacy, path, ctx);
  if (refused) return failed(refused);
  const recursive = bool(args, 'recursive');
  if (info.isDirectory()) {
    const entries = await readdir(path).catch(() => []);
    if (entries.length > 0 && !recursive) return failed(`"${path}" is a directory with ${entries.length} entries; set recursive=true to delete it. Nothing was removed.`);
    if (bool(args, 'dry_run')) return { ok: true, content: `Dry run: would remove the directory "${path}" (${entries.length} entries).` };
    try {
      await removePath(path, { recursive: true });
    } catch (error) {
      return failed(`Removing "${path}" failed: ${describeFsError(error)}.`);
    }
    deps.editor.forget(ctx.files, path);
    deps.editor.notify('deleted', path);
    return { ok: true, content: `Removed the directory "${path}".`, diff: [{ ...fileChunk('remove', path, ''), application_details: 'directory' }] };
  }
  const before = info.isFile() ? await deps.editor.read(path) : null;
  if (bool(args, 'dry_run')) return { ok: true, content: `Dry run: would remove the file "${path}".` };
  try {
    await unlink(path);
  } catch (error) {
    return failed(`Removing "${path}" failed: ${describeFsError(error)}.`);
  }
  deps.editor.forget(ctx.files, path);
  deps.editor.notify('deleted', path);
  return { ok: true, content: `Removed the file "${path}".`, diff: [fileChunk('remove', path, before?.ok ? before.text : '')] };
}

export async function mvTool(args: ToolArgs, ctx: ToolContext, deps: FileToolDeps): Promise<ToolResult> {
  const source = await resolveToolPath(str(args, 'source'), ctx.roots);
  if (!source.ok) return failed(source.error);
  const destination = await resolveToolPath(str(args, 'destination'), ctx.roots);
  if (!destination.ok) return failed(destination.error);
  if (!source.exists) return failed(`The source "${source.path}" does not exist, nothing was moved.`);
  if (ctx.roots.includes(source.path)) return failed(`"${source.path}" is a workspace folder itself; mv does not move workspace folders.`);
  for (const path of [source.path, destination.path]) {
    const refused = await privacyRefusal(deps.privacy, path, ctx);
    if (refused) return failed(refused);
  }
  if (destination.exists) {
    if (!bool(args, 'overwrite')) return failed(`The destination "${destination.path}" exists; set overwrite=true to replace it. Nothing was moved.`);
    await removePath(destination.path, { recursive: true }).catch(() => undefined);
  }
  try {
    await mkdir(dirname(destination.path), { recursive: true });
    await rename(source.path, destination.path).catch(async (error: NodeJS.ErrnoException) => {
      // Across devices a file is copied and removed; folders are not (Refact does the same).
      if (error.code !== 'EXDEV' || !(await lstat(source.path)).isFile()) throw error;
      await copyFile(source.path, destination.path);
      await unlink(source.path);
    });
  } catch (error) {
    return failed(`Moving "${source.path}" to "${destination.path}" failed: ${describeFsError(error)}.`);
  }
  deps.editor.forget(ctx.files, source.path);
  deps.editor.notify('deleted', source.path);
  deps.editor.notify('created', destination.path);
  return { ok: true, content: `Moved "${source.path}" to "${destination.path}".`, diff: [renameChunk(source.path, destination.path)] };
}
