/**
 * Cuts at the first stop sequence: an upstream may ignore `stop`, or stream a little past it.
 * Carriage returns are dropped first (Refact does the same), so `\n\n` also stops `\r\n\r\n`.
 */
import type { Filter } from './types';

export const cutAtStops: Filter = (text, ctx) => {
  let cut = text.replace(/\r/g, '');
  for (const stop of ctx.stops) {
    if (stop === '') continue;
    // In multiline mode a completion may open with a line break; only a stop after some code ends it.
    const from = stop.trim() === '' ? leadingBlank(cut) : 0;
    const at = cut.indexOf(stop, from);
    if (at !== -1) cut = cut.slice(0, at);
  }
  return cut;
};

function leadingBlank(text: string): number {
  const match = /^\s*/.exec(text);
  return match ? match[0].length : 0;
}
