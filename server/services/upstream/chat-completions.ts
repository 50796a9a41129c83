/**
 * OpenAI-style `POST /v1/chat/completions` on top of the engine's one upstream client: the
 * request body for a chat turn (with the reasoning settings each provider family wants), and
 * each stream chunk read into pieces: content, reasoning, tool-call fragments, usage, finish.
 * Timeouts, cancellation and error wording are the client's; this file only knows the shapes
 * and the providers' dialects of them:
 * - reasoning text arrives as `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning`
 *   (OpenRouter, Ollama); Anthropic's OpenAI layer sends `thinking_blocks`;
 * - OpenAI's reasoning models take `max_completion_tokens` and `reasoning_effort` and refuse a
 *   temperature; Anthropic's take `thinking: {type, budget_tokens}` and no temperature either;
 * - usage comes in the last chunk (`stream_options.include_usage`), with Anthropic's cache
 *   counters or its `input_tokens`/`output_tokens` names on some gateways;
 * - a failure after the stream started arrives as an `{error}` event.
 */
import type { ChatUsage } from '../../../src/protocol/chat';
import type { ChatCompletionRequest, ChatMessage as OpenAIChatMessage, ToolChoice, ToolDefinition } from '../../../src/protocol/openai';
import type { ToolCallFragment } from '../../core/chat/delta';
import { failedMidAnswer, malformed, type CallOptions, type UpstreamClient, type UpstreamTarget } from './upstream-client';

export interface ChatCall {
  /** The model name the provider knows (not our `provider/model` id). */
  model: string;
  messages: OpenAIChatMessage[];
  maxTokens: number;
  /** Omitted when null: the provider's default. */
  temperature: number | null;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** The model's `supports_reasoning` family from caps: `openai`, `anthropic`, `deepseek`, or null. */
  reasoningStyle: string | null;
  boostReasoning: boolean;
}

/** What one stream chunk carried; absent fields carried nothing. */
export interface ChatPiece {
  content?: string;
  reasoning?: string;
  toolCalls?: ToolCallFragment[];
  thinkingBlocks?: unknown[];
  usage?: ChatUsage;
  finishReason?: string;
  /** Provider fields worth keeping with the message (citations, provider-specific ids). */
  extra?: Record<string, unknown>;
}

export function chatRequestBody(call: ChatCall, stream: boolean): ChatCompletionRequest & Record<string, unknown> {
  const body: ChatCompletionRequest & Record<string, unknown> = { model: call.model, messages: call.messages, stream };
  if (stream) body.stream_options = { include_usage: true };
  if (call.tools && call.tools.length > 0) {
    body.tools = call.tools;
    if (call.toolChoice) body.tool_choice = call.toolChoice;
  }
  switch (call.reasoningStyle) {
    case 'openai':
      body.max_completion_tokens = call.maxTokens;
      if (call.boostReasoning) body.reasoning_effort = 'high';
      break;
    case 'anthropic':
      body.max_tokens = call.maxTokens;
      if (call.boostReasoning) body.thinking = { type: 'enabled', budget_tokens: Math.max(1024, Math.floor(call.maxTokens / 2)) };
      else if (call.temperature !== null) body.temperature = call.temperature;
      break;
    case 'deepseek':
      // DeepSeek's reasoner ignores sampling settings and says so in warnings; send none.
      body.max_tokens = call.maxTokens;
      break;
    default:
      body.max_tokens = call.maxTokens;
      if (call.temperature !== null) body.temperature = call.temperature;
  }
  return body;
}

/** Streams a chat turn; breaking out of the loop (or the signal) aborts the request and closes the socket. */
export async function* streamChat(client: UpstreamClient, target: UpstreamTarget, call: ChatCall, options: CallOptions = {}): AsyncGenerator<ChatPiece> {
  for await (const chunk of client.streamJson(target, chatRequestBody(call, true), options)) {
    const piece = readChunk(target, chunk);
    if (piece) yield piece;
  }
}

/** A whole answer in one piece (titles, tests). */
export async function postChat(client: UpstreamClient, target: UpstreamTarget, call: ChatCall, options: CallOptions = {}): Promise<ChatPiece> {
  const answer = await client.postJson(target, chatRequestBody(call, false), options);
  const piece = readChunk(target, answer);
  if (!piece) throw malformed(target, 'an answer without choices');
  return piece;
}

function readChunk(target: UpstreamTarget, chunk: unknown): ChatPiece | null {
  if (typeof chunk !== 'object' || chunk === null) throw malformed(target, `a ${chunk === null ? 'null' : typeof chunk} instead of a chat completion object`);
  const { choices, error, usage } = chunk as { choices?: unknown; error?: unknown; usage?: unknown };
  if (error !== undefined && error !== null) throw failedMidAnswer(target, error);
  const piece: ChatPiece = {};
  const readUsage = normalizeUsage(usage);
  if (readUsage) piece.usage = readUsage;
  if (choices !== undefined && choices !== null && !Array.isArray(choices)) throw malformed(target, 'a chunk whose choices is not an array');
  const first = (choices as unknown[] | undefined)?.[0] as { delta?: Record<string, unknown>; message?: Record<string, unknown>; finish_reason?: unknown } | undefined;
  if (first) {
    // A stream chunk has `delta`; a whole answer (or a server that streams whole messages) has `message`.
    const delta = first.delta ?? first.message ?? {};
    const content = textOf(delta.content);
    if (content) piece.content = content;
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
    if (reasoning) piece.reasoning = reasoning;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) piece.toolCalls = delta.tool_calls as ToolCallFragment[];
    if (Array.isArray(delta.thinking_blocks) && delta.thinking_blocks.length > 0) piece.thinkingBlocks = delta.thinking_blocks;
    if (Array.isArray((chunk as { citations?: unknown }).citations)) piece.extra = { citations: (chunk as { citations: unknown[] }).citations };
    if (typeof first.finish_reason === 'string' && first.finish_reason) piece.finishReason = first.finish_reason;
  } else if (!readUsage && !Array.isArray(choices)) {
    throw malformed(target, 'a chunk with neither choices nor usage');
  }
  return Object.keys(piece).length > 0 ? piece : null;
}

/** Content is a string, or (Mistral, some gateways) an array of text parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof (p as { text?: unknown })?.text === 'string' ? (p as { text: string }).text : '')).join('');
  return '';
}

function normalizeUsage(usage: unknown): ChatUsage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const prompt = num(u.prompt_tokens ?? u.input_tokens);
  const completion = num(u.completion_tokens ?? u.output_tokens);
  const out: ChatUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.total_tokens) || prompt + completion };
  if (typeof u.cache_creation_input_tokens === 'number') out.cache_creation_input_tokens = u.cache_creation_input_tokens;
  if (typeof u.cache_read_input_tokens === 'number') out.cache_read_input_tokens = u.cache_read_input_tokens;
  return out;
}
