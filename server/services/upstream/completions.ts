/**
 * OpenAI-style `POST /v1/completions` on top of the engine's one upstream client: the request
 * body for a FIM prompt, and each answer or stream chunk read as text plus a finish reason.
 * Timeouts, cancellation and error wording are the client's; this file only knows the shapes.
 */
import type { CompletionRequest } from '../../../src/protocol/openai';
import { failedMidAnswer, malformed, type CallOptions, type UpstreamClient, type UpstreamTarget } from './upstream-client';

export interface CompletionCall {
  /** The model name the provider knows (not our `provider/model` id). */
  model: string;
  prompt: string;
  maxTokens: number;
  temperature: number;
  topP?: number;
  stop: string[];
}

export type PieceFinish = 'stop' | 'length' | null;

/** A piece of generated text; the last piece of an answer carries the finish reason. */
export interface CompletionPiece {
  text: string;
  finishReason: PieceFinish;
}

export function completionRequestBody(call: CompletionCall, stream: boolean): CompletionRequest {
  const body: CompletionRequest = {
    model: call.model,
    prompt: call.prompt,
    max_tokens: call.maxTokens,
    temperature: call.temperature,
    stop: call.stop,
    n: 1,
    stream,
  };
  if (call.topP !== undefined) body.top_p = call.topP;
  return body;
}

/** Streams the completion; breaking out of the loop (or the signal) aborts the request. */
export async function* streamCompletion(client: UpstreamClient, target: UpstreamTarget, call: CompletionCall, options: CallOptions = {}): AsyncGenerator<CompletionPiece> {
  for await (const chunk of client.streamJson(target, completionRequestBody(call, true), options)) {
    const piece = readChoice(target, chunk);
    // A usage-only chunk (empty `choices`) carries no text.
    if (piece) yield piece;
  }
}

function readChoice(target: UpstreamTarget, chunk: unknown): CompletionPiece | null {
  if (typeof chunk !== 'object' || chunk === null) throw malformed(target, `a ${chunk === null ? 'null' : typeof chunk} instead of a completion object`);
  const { choices, error } = chunk as { choices?: unknown; error?: unknown };
  // Servers (ours included) report a failure after the stream started as an `error` event.
  if (error !== undefined) throw failedMidAnswer(target, error);
  if (!Array.isArray(choices)) throw malformed(target, 'a completion without a choices array');
  const first = choices[0] as { text?: unknown; finish_reason?: unknown } | undefined;
  if (first === undefined) return null;
  if (typeof first.text !== 'string') throw malformed(target, 'a choice without text');
  const finish = first.finish_reason;
  return { text: first.text, finishReason: finish === 'length' ? 'length' : finish === null || finish === undefined ? null : 'stop' };
}
