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
  return (await countPrompts([text], counter))[0]!;
}

/** Counts of several prompts (or snippets) with one call to the counter. */
export async function countPrompts(texts: readonly string[], counter: TokenCounter): Promise<number[]> {
  const parts = texts.map((text) => {
    const segments = promptSegments(text);
    return { segments, pairs: segments.slice(1).map((s, i) => segments[i]! + s) };
  });
  const counts = await counter.count(parts.flatMap((p) => [...p.segments, ...p.pairs]));
  let at = 0;
  return parts.map(({ segments, pairs }) => {
    const seg = counts.slice(at, at + segments.length);
    const pair = counts.slice(at + segments.length, at + segments.length + pairs.length);
    at += segments.length + pairs.length;
    let total = seg.reduce((s, n) => s + n, 0);
    for (let i = 0; i < pair.length; i++) total += pair[i]! - seg[i]! - seg[i + 1]!;
    return total;
  });
}

/**
 * Counts a document's lines ahead of its first completion (on open, when idle), so that the
 * first prompt in a file costs what a keystroke costs. Needs the memoizing counter that prompts
 * will use.
 */
export async function prewarmCounts(text: string, counter: TokenCounter, maxChars = 400_000): Promise<void> {
  await countPrompt(text.length > maxChars ? text.slice(0, maxChars) : text, counter);
}
