/**
 * What prompt building needs from a tokenizer: counts of many texts at once. The engine's
 * tokenizer service hands out counters for the serving model's own tokenizer
 * (`TokenizerService.counterFor`); tests pass one built on a real `tokenizer.json`.
 */

export interface TokenCounter {
  /** Token counts of each text, without any BOS or EOS a tokenizer would add around a whole input. */
  count(texts: string[]): Promise<number[]>;
  /** False when counts are the characters-per-token estimate. */
  exact: boolean;
  /** `tiktoken:cl100k_base`, `hf://org/repo`, a path, or `estimate`. */
  name?: string;
}

/**
 * Refact's "fake" tokenizer rounded up, with a safety factor: code runs 3 to 4 characters per
 * token, so dividing by 2.5 keeps an estimated prompt inside `n_ctx` for nearly any code.
 */
export const SAFE_CHARS_PER_TOKEN = 2.5;

export function estimateCounter(charsPerToken = SAFE_CHARS_PER_TOKEN): TokenCounter {
  return { exact: false, name: 'estimate', count: async (texts) => texts.map((t) => Math.ceil(t.length / charsPerToken)) };
}

/**
 * Remembers the counts of pieces (lines, snippets) so that the next keystroke, which changes one
 * line, counts one line. Bounded: the oldest half is dropped when it is full.
 */
export class MemoCounter implements TokenCounter {
  private readonly memo = new Map<string, number>();

  constructor(private readonly inner: TokenCounter, private readonly maxEntries = 50_000) {}

  get exact(): boolean {
    return this.inner.exact;
  }

  get name(): string | undefined {
    return this.inner.name;
  }

  async count(texts: string[]): Promise<number[]> {
    const known = texts.map((t) => this.memo.get(t));
    const missing = [...new Set(texts.filter((_, i) => known[i] === undefined))];
    if (missing.length === 0) return known as number[];
    const counts = await this.inner.count(missing);
    const fresh = new Map(missing.map((text, i) => [text, counts[i]!] as const));
    if (this.memo.size + missing.length > this.maxEntries) this.evictHalf();
    for (const [text, n] of fresh) this.memo.set(text, n);
    return texts.map((t, i) => known[i] ?? fresh.get(t)!);
  }

  /** Counts one whole text without remembering it (whole prompts rarely repeat). */
  countOnce(text: string): Promise<number> {
    return this.inner.count([text]).then((c) => c[0]!);
  }

  private evictHalf(): void {
    let drop = Math.ceil(this.memo.size / 2);
    for (const key of this.memo.keys()) {
      if (drop-- <= 0) break;
      this.memo.delete(key);
    }
  }
}
