/**
 * Completion cache: an LRU keyed by the text before the cursor (its last 5,000 characters, as
 * Refact keys it), the mode and the model. A returned completion is stored under every prefix
 * of itself, so typing along a suggestion finds the rest of it without a request; for a
 * completion cut by `length`, the last 10 characters are not trusted and get no entries.
 */

export interface CachedCompletion {
  /** The rest of the completion from this point on. */
  completion: string;
  finishReason: string;
  /** How many characters of the original completion had been typed when this entry applies. */
  typed: number;
}

export interface CacheKey {
  /** The document text before the cursor. */
  before: string;
  multiline: boolean;
  /** The model id; one cache may serve several models. */
  model?: string;
}

export const KEY_CHARS = 5000;
export const UNTRUSTED_TAIL = 10;

export class CompletionCache {
  private readonly entries = new Map<string, CachedCompletion>();

  constructor(readonly maxEntries = 2000) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: CacheKey): CachedCompletion | undefined {
    const k = keyOf(key);
    const found = this.entries.get(k);
    if (found) {
      // Moved to the end: the map's first key is the least recently used.
      this.entries.delete(k);
      this.entries.set(k, found);
    }
    return found;
  }

  /** Stores one entry as is (no prefixes). */
  put(key: CacheKey, value: CachedCompletion): void {
    const k = keyOf(key);
    this.entries.delete(k);
    this.entries.set(k, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * Stores `completion` for `key` and for each state of typing along it: `before + completion[0..i]`
   * maps to `completion[i..]`. Empty remainders are not stored.
   */
  putWithPrefixes(key: CacheKey, completion: string, finishReason: string): void {
    const trusted = finishReason === 'length' ? Math.max(0, completion.length - UNTRUSTED_TAIL) : completion.length;
    if (trusted === 0 || completion === '') return;
    const rest = finishReason === 'length' ? completion.slice(0, trusted) : completion;
    // Stored from the longest typed prefix to none, so the entry for the state right now is the
    // most recent one and survives eviction longest.
    const firstLineEnd = rest.indexOf('\n') === -1 ? rest.length : rest.indexOf('\n');
    for (let i = rest.length - 1; i >= 0; i--) {
      // Never split a surrogate pair: a half character is no state an editor can be in.
      if (isLowSurrogate(rest.charCodeAt(i))) continue;
      const before = key.before + rest.slice(0, i);
      this.put({ ...key, before }, { completion: rest.slice(i), finishReason, typed: i });
      // Typing code into a blank line turns a block request into a line request: that state
      // gets the rest of the block's first line.
      if (key.multiline && i < firstLineEnd && rest.slice(0, i).trim() !== '') {
        this.put({ ...key, multiline: false, before }, { completion: rest.slice(i, firstLineEnd), finishReason: 'stop', typed: i });
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function keyOf(key: CacheKey): string {
  const before = key.before.length > KEY_CHARS ? key.before.slice(key.before.length - KEY_CHARS) : key.before;
  return `${key.model ?? ''}\u0000${key.multiline ? 'multiline' : 'singleline'}\u0000${before}`;
}
