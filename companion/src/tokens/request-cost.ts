import type { ChatCompletionRequest, CompletionRequest, EmbeddingRequest } from '../../../src/protocol/openai';
import type { ModelInfo } from '../backends/types';
import { MAX_N, samplingOf } from '../backends/sampling';

/**
 * The most tokens one request can spend, reserved against its token's quotas while it runs
 * (see `TokenStore.reserve`). It must not be less than what the request really spends, or
 * parallel requests could together pass a quota, so every part is an upper bound:
 * - the prompt: its UTF-8 bytes, since byte-level BPE and byte-fallback tokenizers never make
 *   a token of less than one byte; chat counts the messages and tools as JSON, whose quotes,
 *   keys and braces more than cover what a chat template adds around them; plus a few tokens
 *   for BOS and the like;
 * - the answer: `max_tokens` for each of `n` choices; without it, the local default (500) for
 *   a local model, or the model's whole context for an upstream, which decides on its own.
 */

/** Tokens a tokenizer or template may add around the text of one prompt or input. */
const FRAMING_TOKENS = 16;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function answerTokens(req: CompletionRequest | ChatCompletionRequest, model: ModelInfo | undefined): number {
  const asked = req.max_tokens ?? req.max_completion_tokens;
  const each = asked === undefined || asked === null ? (model?.backend === 'upstream' ? model.nCtx : samplingOf(req).maxTokens) : Math.max(1, asked);
  return each * Math.min(MAX_N, Math.max(1, req.n ?? 1));
}

export function completionCost(req: CompletionRequest, model: ModelInfo | undefined): number {
  return bytes(typeof req.prompt === 'string' ? req.prompt : '') + FRAMING_TOKENS + answerTokens(req, model);
}

export function chatCost(req: ChatCompletionRequest, model: ModelInfo | undefined): number {
  return bytes(JSON.stringify(req.messages ?? [])) + bytes(JSON.stringify(req.tools ?? [])) + FRAMING_TOKENS + answerTokens(req, model);
}

export function embeddingCost(req: EmbeddingRequest): number {
  const inputs = Array.isArray(req.input) ? req.input : [req.input];
  return inputs.reduce((sum, s) => sum + (typeof s === 'string' ? bytes(s) : 0) + FRAMING_TOKENS, 0);
}
