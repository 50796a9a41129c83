/**
 * Context files as a chat stores them and as a model reads them. A `context_file` message's
 * content is a JSON string of `[{file_name, file_content, line1, line2}]` (Refact's wire
 * form); the model gets each file as a fenced block headed by its path and lines.
 */
import type { ChatContextFile } from '../../../../src/protocol/chat';

export function encodeContextFiles(files: readonly ChatContextFile[]): string {
  return JSON.stringify(files.map(({ file_name, file_content, line1, line2 }) => ({ file_name, file_content, line1, line2 })));
}

/** The files of a `context_file` message; content that is not the JSON list reads as no files. */
export function decodeContextFiles(content: string): ChatContextFile[] {
  try {
    const parsed = JSON.parse(content) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (f): f is ChatContextFile => typeof f === 'object' && f !== null && typeof f.file_name === 'string' && typeof f.file_content === 'string',
    ).map((f) => ({ file_name: f.file_name, file_content: f.file_content, line1: Number(f.line1) || 0, line2: Number(f.line2) || 0 }));
  } catch {
    return [];
  }
}

/** A fence longer than any backtick run inside, so file text cannot close it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function formatContextFile(file: ChatContextFile): string {
  const lines = file.line1 > 0 && file.line2 > 0 ? `:${file.line1}-${file.line2}` : '';
  const f = fence(file.file_content);
  return `${file.file_name}${lines}\n${f}\n${file.file_content.replace(/\n$/, '')}\n${f}`;
}

export function formatContextFiles(files: readonly ChatContextFile[]): string {
  return files.map(formatContextFile).join('\n\n');
}
