/**
 * The exact token count of a whole prompt without encoding it whole on every keystroke. The
 * prompt is cut into segments at line ends (blank lines stay with the line before them), each
 * segment is counted alone and each pair of neighbours together; the pair's count minus its two
 * parts is what tokenization across that boundary changes (a merge, a dropped prefix space).
 * Tokenizers act locally (a pre-tokenizer splits words, BPE merges never cross a line break), so
 *   count(prompt) = Σ count(segment) + Σ (count(pair) − count(left) − count(right))
 * and with a memoizing counter one keystroke costs the few segments it changed. The unit tests
 * check this equals the full encode for every real tokenizer they load.
 */
import type { TokenCounter } from './counter';

/** Lines with their `\n`; whitespace-only lines join the segment before them. */
export function promptSegments(text: string): string[] {
  const segments: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    end = end === -1 ? text.length : end + 1;
    const line = text.slice(start, end);
    if (segments.length > 0 && line.trim() === '') segments[segments.length - 1] += line;
    else segments.push(line);
    start = end;
  }
  return segments;
}

export async function countPrompt(text: string, counter: TokenCounter): Promise<number> {
  const segments = promptSegments(text);
  if (segments.length === 0) return 0;
  const pairs = segments.slice(1).map((s, i) => segments[i]! + s);
  const counts = await counter.count([...segments, ...pairs]);
  let total = 0;
  for (let i = 0; i < segments.length; i++) total += counts[i]!;
  for (let i = 0; i < pairs.length; i++) total += counts[segments.length + i]! - counts[i]! - counts[i + 1]!;
  return total;
}
