/**
 * Token counters for completion prompts: the serving model's own tokenizer through the
 * tokenizer service (counting in the worker pool), memoized per model so the next keystroke
 * counts only what changed. The tokenizer service, and the worker pool when the index did not
 * start one, are made on the first completion, so a plain engine starts without them.
 *
 * A count the service could only estimate (a pool task failed or timed out) is neither
 * remembered nor called exact: each caller gets its own view of the shared memo, which turns
 * `exact` off (with the reason) for that caller once one of its counts was an estimate.
 */
import { estimateCounter, MemoCounter, type TokenCounter } from '../../core/completion';
import type { TokenizerService } from '../tokenizer-service';

export type ReasonedCounter = TokenCounter & { reason?: string };

export interface CounterSource {
  counterFor(model: string): Promise<ReasonedCounter>;
}

export class LazyCounters implements CounterSource {
  private service: Promise<TokenizerService> | null = null;
  private readonly counters = new Map<string, ReasonedCounter | MemoCounter>();

  constructor(private readonly make: () => Promise<TokenizerService>) {}

  async counterFor(model: string): Promise<ReasonedCounter> {
    let service: TokenizerService;
    try {
      service = await (this.service ??= this.make());
    } catch (error) {
      this.service = null;
      return { ...estimateCounter(), reason: `the tokenizer service did not start: ${(error as Error).message}` };
    }
    // The resolution is cached by the service (and retried after a failure); a changed one gets a fresh memo.
    const resolution = await service.resolve(model);
    const key = `${model}\0${resolution.tokenizer}`;
    let counter = this.counters.get(key);
    if (!counter) {
      if (!resolution.exact) {
        counter = { ...estimateCounter(), reason: resolution.reason };
      } else {
        counter = new MemoCounter({
          exact: true,
          name: resolution.tokenizer,
          count: async (texts) => {
            const counted = await service.countMany(model, texts);
            // Thrown so that the memo stores nothing; the caller's view takes the counts.
            if (!counted.exact) throw new EstimatedCounts(texts, counted.counts, counted.reason ?? 'the count was estimated');
            return counted.counts;
          },
        });
      }
      this.counters.set(key, counter);
    }
    return counter instanceof MemoCounter ? new CallerCounter(counter) : counter;
  }
}

class EstimatedCounts extends Error {
  constructor(readonly texts: string[], readonly counts: number[], readonly reason: string) {
    super(reason);
  }
}

/** One caller's counter over a model's shared memo of exact counts. */
class CallerCounter implements ReasonedCounter {
  exact = true;
  reason?: string;

  constructor(private readonly memo: MemoCounter) {}

  get name(): string | undefined {
    return this.exact ? this.memo.name : 'estimate';
  }

  async count(texts: string[]): Promise<number[]> {
    try {
      return await this.memo.count(texts);
    } catch (error) {
      if (!(error instanceof EstimatedCounts)) throw error;
      this.exact = false;
      this.reason = error.reason;
      const estimated = new Map(error.texts.map((text, i) => [text, error.counts[i]!] as const));
      // The rest were remembered exact counts (the estimated texts are never empty, so this ends).
      const rest = texts.filter((t) => !estimated.has(t));
      const known = rest.length > 0 ? await this.count(rest) : [];
      let k = 0;
      return texts.map((t) => estimated.get(t) ?? known[k++]!);
    }
  }
}
