import type { ChatCompletionRequest, CompletionRequest } from '../../../src/protocol/openai';
import { randomBytes } from 'node:crypto';

/** Sampling settings with Refact's server defaults (max_tokens 500, temperature 0.2). */
export interface Sampling {
  maxTokens: number;
  temperature: number;
  topP: number;
  stop: string[];
  n: number;
  seed: number | undefined;
}

export const MAX_N = 8;

export function samplingOf(req: CompletionRequest | ChatCompletionRequest): Sampling {
  const stop = req.stop === undefined ? [] : Array.isArray(req.stop) ? req.stop : [req.stop];
  return {
    maxTokens: Math.max(1, req.max_tokens ?? req.max_completion_tokens ?? 500),
    temperature: Math.min(4, Math.max(0, req.temperature ?? 0.2)),
    topP: Math.min(1, Math.max(0, req.top_p ?? 1)),
    stop: stop.filter((s) => s.length > 0),
    n: Math.min(MAX_N, Math.max(1, req.n ?? 1)),
    seed: req.seed,
  };
}

export function responseId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
