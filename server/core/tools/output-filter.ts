/**
 * Shortens a command's or a page's output for the model (Refact's `output_filter`): an
 * optional regex keeps matching lines with a little context, then a line limit keeps the head
 * and the tail (where errors and summaries usually are) and says how much was skipped.
 */
import { compileModelRegex } from './text-edits';

export interface OutputLimits {
  /** Lines kept; `Infinity` for 'all'. */
  limitLines: number;
  limitChars: number;
  /** Optional regex; matching lines and `grepContext` lines around them are kept. */
  grep?: string;
  grepContext?: number;
}

/** `output_limit` as the model sends it: a number of lines, 'all', or nothing. */
export function parseOutputLimit(value: string, fallback: number): number {
  const v = value.trim().toLowerCase();
  if (v === 'all') return Infinity;
  return /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fallback;
}

export function filterOutput(text: string, limits: OutputLimits): string {
  let lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (text === '') lines = [];
  let note = '';
  if (limits.grep) {
    const re = compileModelRegex(limits.grep, false);
    if (typeof re === 'string') note += `(output_filter ignored: ${re})\n`;
    else {
      const context = limits.grepContext ?? 2;
      const keep = new Set<number>();
      lines.forEach((line, i) => {
        if (re.test(line)) for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep.add(j);
      });
      const kept = lines.filter((_, i) => keep.has(i));
      note += `(output_filter kept ${kept.length} of ${lines.length} lines)\n`;
      lines = kept;
    }
  }
  if (lines.length > limits.limitLines) {
    const head = Math.ceil(limits.limitLines / 2);
    const tail = limits.limitLines - head;
    lines = [...lines.slice(0, head), `... ${lines.length - head - tail} lines skipped (use output_limit/output_filter to see them) ...`, ...lines.slice(lines.length - tail)];
  }
  let out = lines.join('\n');
  if (out.length > limits.limitChars) {
    const half = Math.floor(limits.limitChars / 2);
    out = `${out.slice(0, half)}\n... ${out.length - 2 * half} characters skipped ...\n${out.slice(out.length - half)}`;
  }
  return note + out;
}
