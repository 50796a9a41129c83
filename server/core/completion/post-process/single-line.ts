/** In single-line mode a completion ends at its first line end. */
import type { Filter } from './types';

export const singleLine: Filter = (text, ctx) => {
  if (ctx.multiline) return text;
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
};
