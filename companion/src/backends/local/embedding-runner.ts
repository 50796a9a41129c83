import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { ApiError } from '../../http/api-error';
import { SlotPool } from './slot-pool';

/**
 * Embeddings for one local model. The embedding context is made on the first request (a
 * chat model may never be asked for one, and it costs memory), then reused; requests take
 * turns through a one-slot pool with the same bounded queue as generation.
 */
export class EmbeddingRunner {
  private context: Promise<LlamaEmbeddingContext> | null = null;
  private readonly pool: SlotPool<number>;

  constructor(
    private readonly model: LlamaModel,
    private readonly nCtx: number,
    maxQueue: number,
    private readonly threads: number | null,
  ) {
    this.pool = new SlotPool([0], maxQueue);
  }

  private get() {
    this.context ??= this.model.createEmbeddingContext({
      contextSize: Math.min(this.nCtx, this.model.trainContextSize),
      ...(this.threads ? { threads: this.threads } : {}),
    });
    return this.context;
  }

  async embed(inputs: string[], signal: AbortSignal): Promise<{ vectors: number[][]; tokens: number }> {
    const tokenized = inputs.map((text, i) => {
      const tokens = this.model.tokenize(text);
      if (tokens.length >= this.nCtx) {
        throw new ApiError('promptTooLong', `input[${i}] is ${tokens.length} tokens; the embedding context is ${this.nCtx} tokens.`, { param: 'input' });
      }
      return tokens;
    });
    const slot = await this.pool.acquire(signal);
    try {
      const ctx = await this.get();
      const vectors: number[][] = [];
      for (const tokens of tokenized) {
        if (signal.aborted) throw signal.reason;
        vectors.push([...(await ctx.getEmbeddingFor(tokens)).vector]);
      }
      return { vectors, tokens: tokenized.reduce((a, t) => a + t.length, 0) };
    } finally {
      this.pool.release(slot);
    }
  }

  async close(): Promise<void> {
    this.pool.drain(new ApiError('unavailable', 'the server is shutting down'));
    if (this.context) await (await this.context).dispose();
  }
}
