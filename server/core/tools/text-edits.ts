/**
 * The pure text edits behind `update_textdoc`, `update_textdoc_regex` and
 * `update_textdoc_by_lines`, on `\n`-ended text. A failed edit says why and what to do, in
 * Refact's words where it has them; it never half-applies.
 */

export type EditOutcome = { ok: true; text: string } | { ok: false; error: string };

export function replaceString(text: string, oldStr: string, replacement: string, multiple: boolean, path: string): EditOutcome {
  const needle = oldStr.replace(/\r\n/g, '\n');
  const newText = replacement.replace(/\r\n/g, '\n');
  if (needle === '') return { ok: false, error: 'No replacement was performed: `old_str` is empty. Give the exact text to replace.' };
  const count = text.split(needle).length - 1;
  if (count === 0) return { ok: false, error: `No replacement was performed, \`old_str\` did not appear verbatim in "${path}". Check the file content using \`cat()\`` };
  if (count > 1 && !multiple) {
    const lines = text.split('\n').flatMap((line, i) => (line.includes(needle.split('\n')[0]!) ? [i + 1] : []));
    return { ok: false, error: `No replacement was performed. Multiple occurrences of \`old_str\` in lines [${lines.join(', ')}]. Please ensure it is unique or set \`multiple\` to true.` };
  }
  // A function replacement keeps `$&`-style sequences in the model's text literal.
  return { ok: true, text: multiple ? text.split(needle).join(newText) : text.replace(needle, () => newText) };
}

/** Compiles a model's regex; `(?i)` at the start (Rust syntax, which Refact documents) means case-insensitive. */
export function compileModelRegex(pattern: string, global: boolean): RegExp | string {
  let flags = global ? 'gu' : 'u';
  let source = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('m')) flags += 'm';
    if (inline[1]!.includes('s')) flags += 's';
  }
  try {
    return new RegExp(source, flags);
  } catch (error) {
    try {
      // Without the `u` flag more escapes are accepted (`\-`, `\ `), as Rust's regex accepts them.
      return new RegExp(source, flags.replace('u', ''));
    } catch {
      return `Invalid regular expression \`${pattern}\`: ${(error as Error).message}`;
    }
  }
}

export function replaceRegex(text: string, pattern: string, replacement: string, multiple: boolean, path: string): EditOutcome {
  const re = compileModelRegex(pattern, true);
  if (typeof re === 'string') return { ok: false, error: re };
  const count = [...text.matchAll(re)].length;
  if (count === 0) return { ok: false, error: `No replacement was performed, \`pattern\` did not appear verbatim in "${path}". Check the file content using \`cat()\`` };
  if (count > 1 && !multiple) return { ok: false, error: 'No replacement was performed. Multiple occurrences of `pattern`. Please ensure the `pattern` is unique or set `multiple` to true.' };
  // Rust's `$1`/`${name}` groups are JavaScript's too.
  const single = new RegExp(re.source, re.flags.replace('g', ''));
  return { ok: true, text: multiple ? text.replace(re, replacement.replace(/\r\n/g, '\n')) : text.replace(single, replacement.replace(/\r\n/g, '\n')) };
}

export interface LineRange {
  start: number;
  end: number;
}

/** `:3`, `40:50`, `100:`, `5`, comma-separated; 1-based, inclusive, sorted from the bottom, no overlaps. */
export function parseLineRanges(spec: string, totalLines: number): LineRange[] | string {
  const ranges: LineRange[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    let range: LineRange;
    if (part.includes(':')) {
      const [a, b] = [part.slice(0, part.indexOf(':')).trim(), part.slice(part.indexOf(':') + 1).trim()];
      const start = a === '' ? 1 : toLine(a);
      const end = b === '' ? totalLines : toLine(b);
      if (start === null) return `Invalid start line number '${a}' in range '${part}'`;
      if (end === null) return `Invalid end line number '${b}' in range '${part}'`;
      range = { start, end };
    } else {
      const line = toLine(part);
      if (line === null) return `Invalid line number '${part}'`;
      range = { start: line, end: line };
    }
    if (range.start === 0) return 'Line numbers are 1-based. Start line must be at least 1.';
    if (range.end < range.start) return `Invalid range '${part}': end line (${range.end}) must be >= start line (${range.start}).`;
    if (range.start > totalLines) return `Start line ${range.start} is beyond end of file (${totalLines} lines).`;
    ranges.push(range);
  }
  if (ranges.length === 0) return 'No valid ranges provided.';
  ranges.sort((x, y) => y.start - x.start);
  for (let i = 0; i + 1 < ranges.length; i++) {
    const [cur, next] = [ranges[i]!, ranges[i + 1]!];
    if (next.end >= cur.start) return `Overlapping ranges detected: ${next.start}:${next.end} and ${cur.start}:${cur.end}`;
  }
  return ranges;
}

function toLine(s: string): number | null {
  return /^\d+$/.test(s) ? Number(s) : null;
}

export const RANGE_SEPARATOR = '---RANGE_SEPARATOR---';

export function replaceLines(text: string, content: string, rangesSpec: string): EditOutcome {
  const endsWithNewline = text.endsWith('\n');
  const lines = text === '' ? [] : (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const ranges = parseLineRanges(rangesSpec, lines.length);
  if (typeof ranges === 'string') return { ok: false, error: ranges };
  const normalized = content.replace(/\r\n/g, '\n');
  const parts = ranges.length === 1 ? [normalized] : normalized.split(RANGE_SEPARATOR).map((p) => p.replace(/^\n|\n$/g, ''));
  if (parts.length !== ranges.length) {
    return { ok: false, error: `Content has ${parts.length} parts (separated by ${RANGE_SEPARATOR}) but ${ranges.length} ranges were specified. For multiple ranges, separate content for each range with '${RANGE_SEPARATOR}'.` };
  }
  // Ranges run bottom-up, so earlier line numbers stay valid; parts are in the ranges' given order.
  const ordered = [...ranges].sort((a, b) => a.start - b.start);
  for (const range of ranges) {
    const part = parts[ordered.indexOf(range)]!;
    const replacement = part === '' ? [] : part.replace(/\n$/, '').split('\n');
    lines.splice(range.start - 1, Math.min(range.end, lines.length) - range.start + 1, ...replacement);
  }
  const joined = lines.join('\n');
  return { ok: true, text: endsWithNewline && joined !== '' ? `${joined}\n` : joined };
}
