/**
 * Refact's `DiffChunk` list for a file edit, built on jsdiff's line diff. Each run of removed
 * and added lines between unchanged lines is one chunk; `line1` is the first old line it
 * touches (1-based), `line2` one past the last removed line (equal to `line1` for a pure
 * insertion), as Refact's `convert_edit_to_diffchunks` numbers them.
 */
import { diffLines } from 'diff';
import type { DiffChunk } from '../../../src/protocol/tools';

export function diffChunks(fileName: string, before: string, after: string): DiffChunk[] {
  const chunks: DiffChunk[] = [];
  let oldLine = 0;
  let open: { line1: number; removed: string[]; added: string[] } | null = null;
  const flush = () => {
    if (open && (open.removed.length || open.added.length)) {
      chunks.push({
        file_name: fileName,
        file_action: 'edit',
        line1: open.line1,
        line2: open.line1 + open.removed.length,
        lines_remove: open.removed.join(''),
        lines_add: open.added.join(''),
        file_name_rename: null,
        application_details: '',
      });
    }
    open = null;
  };
  for (const part of diffLines(before, after)) {
    const lines = splitKeepingEnds(part.value);
    if (!part.added && !part.removed) {
      flush();
      oldLine += lines.length;
      continue;
    }
    open ??= { line1: oldLine + 1, removed: [], added: [] };
    if (part.removed) {
      open.removed.push(...lines);
      oldLine += lines.length;
    } else open.added.push(...lines);
  }
  flush();
  return chunks;
}

/** A whole-file chunk for a created or removed file, and a rename's chunk. */
export function fileChunk(action: 'add' | 'remove', fileName: string, text: string): DiffChunk {
  const lines = splitKeepingEnds(text);
  return {
    file_name: fileName,
    file_action: action,
    line1: 1,
    line2: action === 'remove' ? lines.length + 1 : 1,
    lines_remove: action === 'remove' ? lines.join('') : '',
    lines_add: action === 'add' ? lines.join('') : '',
    file_name_rename: null,
    application_details: '',
  };
}

export function renameChunk(from: string, to: string): DiffChunk {
  return { file_name: from, file_action: 'rename', line1: 1, line2: 1, lines_remove: '', lines_add: '', file_name_rename: to, application_details: '' };
}

/** Lines with their `\n`; a last line without one gets one, as Refact's chunks always end lines. */
function splitKeepingEnds(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => `${line}\n`);
}
