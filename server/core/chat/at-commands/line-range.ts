/**
 * `@file path:L1-L2` line ranges, as Refact reads them: `:10-20` a range, `:10-` from a line to
 * the end, `:-20` from the start to a line, and `:10` the lines around line 10 (Refact centres
 * its context on that line). Lines count from 1; ranges
 * past the end are clamped and reversed ones swapped, so a stale range still shows something.
 */

export interface LineRange {
  line1: number;
  line2: number;
}

export interface PathWithRange {
  path: string;
  /** Null when the argument has no `:` range. */
  range: { line1: number | null; line2: number | null; around?: boolean } | null;
}

/** Lines shown on each side of `:L`. */
const AROUND = 20;

export function splitLineRange(arg: string): PathWithRange {
  const hyphen = /:(\d+)?-(\d+)?$/.exec(arg);
  if (hyphen && (hyphen[1] !== undefined || hyphen[2] !== undefined)) {
    return { path: arg.slice(0, hyphen.index), range: { line1: toLine(hyphen[1]), line2: toLine(hyphen[2]) } };
  }
  const one = /:(\d+)$/.exec(arg);
  if (one) {
    const line = Number(one[1]);
    return { path: arg.slice(0, one.index), range: { line1: line, line2: line, around: true } };
  }
  return { path: arg, range: null };
}

function toLine(digits: string | undefined): number | null {
  return digits === undefined ? null : Number(digits);
}

/** The `:L1-L2` suffix to write back after a repaired path. */
export function formatLineRange(range: PathWithRange['range']): string {
  if (!range) return '';
  if (range.around) return `:${range.line1}`;
  return `:${range.line1 ?? ''}-${range.line2 ?? ''}`;
}

/** The range in a file of `lineCount` lines: the whole file without a range. */
export function resolveLineRange(range: PathWithRange['range'], lineCount: number): LineRange {
  const last = Math.max(1, lineCount);
  const clamp = (n: number) => Math.min(Math.max(1, n), last);
  if (!range) return { line1: 1, line2: last };
  if (range.around && range.line1 !== null) return { line1: clamp(range.line1 - AROUND), line2: clamp(range.line1 + AROUND) };
  let line1 = clamp(range.line1 ?? 1);
  let line2 = clamp(range.line2 ?? last);
  if (line1 > line2) [line1, line2] = [line2, line1];
  return { line1, line2 };
}

/** Lines `line1..line2` (1-based, inclusive) of a text. */
export function sliceLines(text: string, range: LineRange): string {
  return text.split('\n').slice(range.line1 - 1, range.line2).join('\n');
}

export function countLines(text: string): number {
  if (text === '') return 1;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}
