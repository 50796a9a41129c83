/**
 * The files the user edited or viewed last, from the documents service: for each, where the
 * last edit was (the first line that differs from the text before it), so completion can show
 * the model the code the user is working on in other files. Only the last few documents are
 * remembered, with their text, so memory stays flat however many files are opened.
 */
import type { DocumentsService } from '../documents';

export interface RecentFile {
  uri: string;
  text: string;
  /** 0-based line of the last edit; null when the file was only viewed. */
  editedLine: number | null;
}

interface Entry {
  text: string;
  editedLine: number | null;
}

const REMEMBERED = 8;

export class RecentFiles {
  /** Most recent last (a Map keeps insertion order; touching re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;

  constructor(private readonly documents: DocumentsService) {
    this.unsubscribe = documents.onEvent((event) => {
      if (event.kind === 'closed') return;
      if (event.kind === 'opened' || event.kind === 'changed') this.touch(event.uri);
    });
  }

  /** The most recent first, without `exceptUri` (the cursor's own file). */
  list(exceptUri: string, limit: number): RecentFile[] {
    const active = this.documents.activeUri();
    if (active && active !== exceptUri && this.documents.get(active) && !this.entries.has(active)) this.touch(active);
    const out: RecentFile[] = [];
    for (const [uri, entry] of [...this.entries].reverse()) {
      if (uri === exceptUri) continue;
      out.push({ uri, text: entry.text, editedLine: entry.editedLine });
      if (out.length >= limit) break;
    }
    return out;
  }

  dispose(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private touch(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    const text = document.getText();
    const before = this.entries.get(uri);
    const editedLine = before && before.text !== text ? firstDifferentLine(before.text, text) : (before?.editedLine ?? null);
    this.entries.delete(uri);
    this.entries.set(uri, { text, editedLine });
    while (this.entries.size > REMEMBERED) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The 0-based line where two texts first differ. */
export function firstDifferentLine(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  let line = 0;
  for (let j = 0; j < i; j++) if (b.charCodeAt(j) === 10) line++;
  return line;
}
