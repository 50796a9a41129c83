/**
 * Does not repeat the text right of the cursor: that text stays in the line after the inserted
 * completion, so a completion ending with it (`foo(x)` before `)`) would double it. The whole
 * line suffix repeated is cut unless that unbalances brackets; a part of it (`)` of `):`) is cut
 * only when it is punctuation whose removal balances the line.
 */
import { imbalance } from './brackets-scan';
import type { Filter } from './types';

const PUNCTUATION = /^[\s)\]}>;:,.'"`]+$/;

export const rightOfCursor: Filter = (text, ctx) => {
  const suffix = ctx.lineSuffix.trim();
  const body = text.trimEnd();
  if (suffix === '' || body === '') return text;
  const line = (t: string) => `${ctx.linePrefix}${lastLine(t)}${ctx.lineSuffix}`;
  const now = imbalance(line(body));
  for (let k = Math.min(suffix.length, body.length); k > 0; k--) {
    const piece = suffix.slice(0, k);
    if (!body.endsWith(piece)) continue;
    const candidate = body.slice(0, body.length - k);
    const after = imbalance(line(candidate));
    if (k === suffix.length ? after <= now : PUNCTUATION.test(piece) && after < now) return candidate;
  }
  return text;
};

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}
