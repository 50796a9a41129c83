/**
 * Post-processing of a raw completion into the text to insert at the cursor (nothing right of
 * the cursor is replaced). One filter per file, applied in this order; `''` means no suggestion.
 */
import { balanceBrackets } from './brackets';
import { cutAtStops } from './cut-at-stops';
import { dropEmpty } from './drop-empty';
import { nextLines } from './next-lines';
import { rightOfCursor } from './right-of-cursor';
import { singleLine } from './single-line';
import { trimTrailing } from './trim-trailing';
import type { Filter, PostProcessContext } from './types';

export type { Filter, PostProcessContext } from './types';

export const FILTERS: ReadonlyArray<readonly [string, Filter]> = [
  ['cutAtStops', cutAtStops],
  ['singleLine', singleLine],
  ['nextLines', nextLines],
  ['rightOfCursor', rightOfCursor],
  ['balanceBrackets', balanceBrackets],
  ['trimTrailing', trimTrailing],
  ['dropEmpty', dropEmpty],
];

export function postProcess(raw: string, ctx: PostProcessContext): string {
  let text = raw;
  for (const [, filter] of FILTERS) {
    text = filter(text, ctx);
    if (text === '') return '';
  }
  return text;
}
