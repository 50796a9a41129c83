/**
 * The OpenAI-compatible API the companion server serves (`/v1/completions`,
 * `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`) and forwards to upstreams. Field
 * names follow OpenAI's wire format, so any OpenAI client (and Refact's engine) can talk to it.
 */

/** Routes of the companion server, declared once. */
export const CompanionRoutes = {
  ping: '/v1/ping',
  caps: '/refact-caps',
  capsLegacy: '/coding_assistant_caps.json',
  models: '/v1/models',
  completions: '/v1/completions',
  chatCompletions: '/v1/chat/completions',
  embeddings: '/v1/embeddings',
  tokenizer: '/tokenizer/:model',
  metrics: '/metrics',
} as const;

/** Every non-2xx JSON answer of the companion server (OpenAI's error shape). */
export interface OpenAiErrorBody {
  error: {
    message: string;
    /** OpenAI's broad class: `invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`, ... */
    type: string;
    /** A stable machine-readable code: `model_not_found`, `queue_full`, `upstream_unavailable`, ... */
    code: string | null;
    param?: string | null;
  };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | null;

// ---- /v1/completions ----

/** Sampling fields shared by completions and chat completions. */
export interface SamplingParams {
  model: string;
  max_tokens?: number;
  /** Refact's (and OpenAI's newer) alias of `max_tokens`. */
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  n?: number;
  stream?: boolean;
  seed?: number;
  stream_options?: { include_usage?: boolean };
}

/**
 * Constrains the reply: `json_object` to any JSON object, `json_schema` to its `schema`. Local
 * models enforce it with a grammar during generation; upstreams get it as sent.
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

export interface CompletionRequest extends SamplingParams {
  prompt: string;
  echo?: boolean;
  response_format?: ResponseFormat;
}

export interface CompletionChoice {
  index: number;
  text: string;
  logprobs: null;
  finish_reason: FinishReason;
}

/** The response, and (with `stream`) each SSE chunk, of `/v1/completions`. */
export interface CompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: Usage | null;
}

// ---- /v1/chat/completions ----

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/** `required` and a named function force a tool call; `none` hides the tools. */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ChatContentPart = { type: 'text'; text: string } | { type: string; [key: string]: unknown };

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ChatCompletionRequest extends SamplingParams {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
}

export interface ChatCompletionResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] };
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: Usage;
}

/** One SSE chunk of a streamed chat completion. Tool-call deltas carry `index`. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: Array<{ index: number; id?: string; type?: 'function'; function?: { name?: string; arguments?: string } }>;
    };
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage?: Usage | null;
}

// ---- /v1/embeddings ----

export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
}

export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

// ---- /v1/models ----

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

/** The SSE line that ends every stream. */
export const SSE_DONE = 'data: [DONE]\n\n';
