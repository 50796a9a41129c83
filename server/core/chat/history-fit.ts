/**
 * Fits a chat to a model's context window. The system prompt and the current turn (the last
 * user message and all after it) always stay. When the rest does not fit, it gives way in the
 * order that loses the least: first old context files and tool results are shortened (a
 * file's name stays, so the model knows it was seen), oldest first; then whole old turns go, oldest
 * first, so a tool call never loses its result; last, the current turn's own context is
 * shortened (largest first), then its tool results (oldest first), then its context files are
 * dropped. Pure: token counts in, a plan out.
 */

export interface FitItem {
  /**
   * `system` is never dropped; `user` is a user's message; `context` (context files, plain
   * text) belongs to the user message after it, so a turn starts at its first context item.
   */
  kind: 'system' | 'user' | 'context' | 'other';
  /** Tokens of the message as it would be sent. */
  tokens: number;
  /** Tokens once compressed (context, tool results); absent when the message cannot be. */
  compressedTokens?: number;
}

export interface FitPlan {
  /** Per item: sent as is, sent compressed, or left out. */
  decisions: Array<'keep' | 'compress' | 'drop'>;
  /** Tokens of what is sent. */
  total: number;
  fits: boolean;
  compressed: number;
  dropped: number;
}

export interface FitOptions {
  /** Tokens the messages may take (the window less the reply's reserve). */
  budget: number;
  /** False keeps old context whole and only drops old turns. */
  compress?: boolean;
}

/** Where each turn starts: at a user message, or at the context items right before it. */
export function turnStarts(items: readonly FitItem[]): number[] {
  const starts: number[] = [];
  items.forEach((item, i) => {
    if (item.kind !== 'user') return;
    let start = i;
    while (start > 0 && items[start - 1]!.kind === 'context') start--;
    starts.push(start);
  });
  return starts;
}

export function fitHistory(items: readonly FitItem[], options: FitOptions): FitPlan {
  const decisions: FitPlan['decisions'] = items.map(() => 'keep');
  const cost = (i: number) => (decisions[i] === 'drop' ? 0 : decisions[i] === 'compress' ? items[i]!.compressedTokens! : items[i]!.tokens);
  let total = items.reduce((sum, _, i) => sum + cost(i), 0);
  const over = () => total > options.budget;
  const set = (i: number, decision: 'compress' | 'drop') => {
    total -= cost(i);
    decisions[i] = decision;
    total += cost(i);
  };
  const starts = turnStarts(items);
  const current = starts.length ? starts[starts.length - 1]! : 0;
  const pinned = (k: number) => items[k]!.kind === 'system';

  if (options.compress !== false) {
    for (let i = 0; i < current && over(); i++) {
      const item = items[i]!;
      if (!pinned(i) && item.compressedTokens !== undefined && item.compressedTokens < item.tokens) set(i, 'compress');
    }
  }
  // Whole turns go, oldest first; messages before the first user message (a greeting, a
  // restored summary) count as a turn of their own.
  const bounds = [0, ...starts.filter((s) => s > 0 && s < current), current];
  for (let t = 0; t + 1 < bounds.length && over(); t++) {
    for (let k = bounds[t]!; k < bounds[t + 1]!; k++) if (!pinned(k)) set(k, 'drop');
  }
  if (over()) {
    const shrinkable = (k: number) => k >= current && items[k]!.compressedTokens !== undefined && items[k]!.compressedTokens! < items[k]!.tokens;
    const context = items.map((item, k) => ({ item, k })).filter(({ item, k }) => item.kind === 'context' && shrinkable(k)).sort((a, b) => b.item.tokens - a.item.tokens);
    for (const { k } of context) if (over()) set(k, 'compress');
    // An agent's own tool results in this turn are shortened, oldest first, never left out:
    // every tool call must keep an answer.
    for (let k = current; k < items.length && over(); k++) if (items[k]!.kind === 'other' && shrinkable(k)) set(k, 'compress');
    for (const { k } of context) if (over()) set(k, 'drop');
  }
  return {
    decisions,
    total,
    fits: !over(),
    compressed: decisions.filter((d) => d === 'compress').length,
    dropped: decisions.filter((d) => d === 'drop').length,
  };
}

/** The reply's reserve, as Refact sizes `max_tokens`: 4096, at most a quarter of the window. */
export function replyReserve(window: number): number {
  return Math.min(4096, Math.floor(window / 4));
}

/** The window a thread may use: the model's `n_ctx`, lowered by the thread's cap. */
export function effectiveWindow(nCtx: number, cap: number | null): number {
  const window = nCtx > 0 ? nCtx : 8192;
  return cap && cap > 0 ? Math.min(window, cap) : window;
}
