/**
 * Does not repeat the lines below the cursor: a completion that reaches the first non-blank next
 * line (`}` closing the block the user is in) is cut before it, and one that only rewrites that
 * line is dropped.
 */
import type { Filter } from './types';

export const nextLines: Filter = (text, ctx) => {
  const next = ctx.nextLines.find((l) => l.trim() !== '')?.trimEnd();
  if (next === undefined) return text;
  const lines = text.split('\n');
  if (`${ctx.linePrefix}${lines[0]}`.trim() === next.trim() && lines.slice(1).every((l) => l.trim() === '')) return '';
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trimEnd() === next) return lines.slice(0, i).join('\n');
  }
  return text;
};
