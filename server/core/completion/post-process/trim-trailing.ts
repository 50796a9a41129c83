/**
 * Trailing whitespace on each line is noise an editor would only flag; at the very end it is
 * kept when text follows the cursor on its line (`x + ` before `b`), where the space is code.
 */
import type { Filter } from './types';

export const trimTrailing: Filter = (text, ctx) => {
  const lines = text.split('\n');
  const last = lines.length - 1;
  const keepEnd = ctx.lineSuffix.trim() !== '';
  const trimmed = lines.map((line, i) => (i === last && keepEnd ? line : line.trimEnd())).join('\n');
  return keepEnd ? trimmed.replace(/\n+$/, '') : trimmed.trimEnd();
};
