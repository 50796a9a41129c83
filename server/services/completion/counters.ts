/**
 * Token counters for completion prompts: the serving model's own tokenizer through the
 * tokenizer service (counting in the worker pool), memoized per model so the next keystroke
 * counts only what changed. The tokenizer service, and the worker pool when the index did not
 * start one, are made on the first completion, so a plain engine starts without them.
 */
import { estimateCounter, MemoCounter, type TokenCounter } from '../../core/completion';
import type { TokenizerService } from '../tokenizer-service';

export type ReasonedCounter = TokenCounter & { reason?: string };

export interface CounterSource {
  counterFor(model: string): Promise<ReasonedCounter>;
}

export class LazyCounters implements CounterSource {
  private service: Promise<TokenizerService> | null = null;
  private readonly counters = new Map<string, ReasonedCounter>();

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
        const memo = new MemoCounter({ exact: true, name: resolution.tokenizer, count: async (texts) => (await service.countMany(model, texts)).counts });
        counter = memo;
      }
      this.counters.set(key, counter);
    }
    return counter;
  }
}
