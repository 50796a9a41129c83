/**
 * The cursor's place in a document: its line split into the text left and right of it, and the
 * lines above and below. Refact's routes count columns in code points, standard LSP in UTF-16
 * units; both convert here, and a cursor outside the text is a value, not an exception.
 */

export interface CursorPosition {
  /** 0-based line. */
  line: number;
  /** 0-based column in code points (Unicode scalar values), as Refact's routes send it. */
  character: number;
}

export interface SplitDocument {
  /** Lines above the cursor line, each with its own line end (`\n`, or `\r\n`). */
  above: string[];
  /** The cursor line left of the cursor. */
  linePrefix: string;
  /** The cursor line right of the cursor, without its line end. */
  lineSuffix: string;
  /** The cursor line's end (`\n`, `\r\n`, or `''` on the last line). */
  lineEnd: string;
  /** Lines below the cursor line, each with its own line end (the last may have none). */
  below: string[];
}

export type SplitOutcome = { ok: true; value: SplitDocument } | { ok: false; detail: string };

/** The UTF-16 offset of code point `character` in `line`, or -1 when the line is shorter. */
export function codePointToUtf16(line: string, character: number): number {
  let offset = 0;
  for (let n = 0; n < character; n++) {
    if (offset >= line.length) return -1;
    const code = line.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < line.length ? 2 : 1;
  }
  return offset;
}

/** The code-point column of UTF-16 offset `offset` in `line` (LSP → Refact columns). */
export function utf16ToCodePoint(line: string, offset: number): number {
  let count = 0;
  for (let i = 0; i < offset && i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < line.length) i++;
    count++;
  }
  return count;
}

/** Splits text into lines that keep their `\n` (a trailing `\r` stays with its line). */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  lines.push(text.slice(start));
  return lines;
}

/**
 * Splits `text` at the cursor. A line past the last one, or a column past the line's end (its
 * line break excluded), is an error naming the bounds. A file ending in `\n` has one more, empty,
 * line after it, as in an editor.
 */
export function splitAtCursor(text: string, cursor: CursorPosition): SplitOutcome {
  const lines = splitLines(text);
  if (!Number.isInteger(cursor.line) || cursor.line < 0 || cursor.line >= lines.length) {
    return { ok: false, detail: `cursor line ${cursor.line} is outside the file (it has ${lines.length} lines)` };
  }
  const full = lines[cursor.line]!;
  const lineEnd = full.endsWith('\r\n') ? '\r\n' : full.endsWith('\n') ? '\n' : '';
  const body = full.slice(0, full.length - lineEnd.length);
  const offset = Number.isInteger(cursor.character) && cursor.character >= 0 ? codePointToUtf16(body, cursor.character) : -1;
  if (offset < 0) {
    return { ok: false, detail: `cursor character ${cursor.character} is past the end of line ${cursor.line} (it has ${utf16ToCodePoint(body, body.length)} characters)` };
  }
  return {
    ok: true,
    value: { above: lines.slice(0, cursor.line), linePrefix: body.slice(0, offset), lineSuffix: body.slice(offset), lineEnd, below: lines.slice(cursor.line + 1) },
  };
}

/**
 * Whether to ask for a block or a single line: a block when the cursor line is blank left of the
 * cursor (a new statement starts here), or when the user asked for one (a manual trigger).
 */
export function shouldCompleteMultiline(linePrefix: string, askedForBlock = false): boolean {
  return askedForBlock || linePrefix.trim() === '';
}
