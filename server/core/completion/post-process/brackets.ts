/**
 * Keeps brackets balanced: a closer that closes nothing opened on the cursor line or in the
 * completion ends the completion there (the model ran past the expression it was asked to
 * finish). In multiline mode only the first line is checked, since later lines may close
 * blocks opened above the cursor line.
 */
import { scanBrackets } from './brackets-scan';
import type { Filter } from './types';

export const balanceBrackets: Filter = (text, ctx) => {
  const before = scanBrackets(ctx.linePrefix).open;
  const firstLineEnd = text.indexOf('\n');
  const checked = ctx.multiline && firstLineEnd !== -1 ? text.slice(0, firstLineEnd) : text;
  const stray = scanBrackets(checked, before).strayClosers[0];
  return stray === undefined ? text : text.slice(0, stray);
};
