/**
 * Code completion across process boundaries: Refact's `POST /v1/code-completion` request and
 * response (streamed and not), the LSP `refact/getCompletions` and `refact/acceptCompletion`
 * shapes, and the defaults both sides agree on. Field names are Refact's wire contract
 * (refact-agent/engine/src/call_validation.rs), so Refact's clients work against our engine.
 */

export const CompletionRoutes = {
  codeCompletion: '/v1/code-completion',
} as const;

/** Refact's defaults: `max_new_tokens` 0 or absent means 50; temperature 0.2. */
export const DEFAULT_MAX_NEW_TOKENS = 50;
export const DEFAULT_COMPLETION_TEMPERATURE = 0.2;
/** Refact clamps the context budget (`rag_tokens_n`, or `n_ctx * rag_ratio`) to this range. */
export const RAG_TOKENS_MIN = 50;
export const RAG_TOKENS_MAX = 4096;

/**
 * The cursor. `character` counts Unicode code points (Refact's rope char index), not UTF-16
 * units; the standard LSP `textDocument/inlineCompletion` counts UTF-16 as LSP always does.
 */
export interface CodeCompletionCursor {
  file: string;
  /** 0-based. */
  line: number;
  /** 0-based, in code points. */
  character: number;
}

export interface CodeCompletionInputs {
  /** Path (or URI) → full file text; only the cursor's file is completed in. */
  sources: Record<string, string>;
  cursor: CodeCompletionCursor;
  multiline: boolean;
}

export interface CodeCompletionParameters {
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  n?: number;
}

/** `POST /v1/code-completion`. Unknown fields (VS Code sends `client`) are ignored. */
export interface CodeCompletionRequest {
  inputs: CodeCompletionInputs;
  /** `''` or absent: the caps' default completion model. */
  model?: string;
  parameters?: CodeCompletionParameters;
  stream?: boolean;
  no_cache?: boolean;
  use_ast?: boolean;
  use_vecdb?: boolean;
  /** The context budget in tokens; clamped to [RAG_TOKENS_MIN, RAG_TOKENS_MAX]. */
  rag_tokens_n?: number;
  /** Overrides the model's scratchpad (`FIM-PSM`, `FIM-SPM`, `REPLACE`, ...). */
  scratchpad?: string;
  client?: string;
}

export type CodeCompletionFinishReason = 'stop' | 'length' | null;

export interface CodeCompletionChoice {
  index: number;
  code_completion: string;
  finish_reason: CodeCompletionFinishReason;
}

/** A context snippet the prompt carried (Refact's `ContextFile`, lines 1-based inclusive). */
export interface CompletionContextFile {
  file_name: string;
  line1: number;
  line2: number;
  /** Which source found it. */
  source: CompletionSourceName;
}

export type CompletionSourceName = 'ast' | 'retrieval' | 'recent';

/** What happened to one context source on one request. */
export interface CompletionSourceReport {
  name: CompletionSourceName;
  /** `used`: it answered in time; `timeout`: it was skipped, not waited for; `off`: not enabled or not asked for. */
  status: 'used' | 'timeout' | 'off' | 'failed';
  ms: number;
  /** Snippets it offered (before packing into the budget). */
  found: number;
  /** Why it is off or failed. */
  reason?: string;
}

/**
 * The response's `context`: Refact's fields (`fim_ms`, `rag_ms`, `n_ctx`, `rag_tokens_limit`,
 * `attached_files`, `bucket_declarations`) plus ours: each source's timing and the budget.
 */
export interface CodeCompletionContext {
  fim_ms: number;
  rag_ms: number;
  n_ctx: number;
  rag_tokens_limit: number;
  attached_files: CompletionContextFile[];
  bucket_declarations: CompletionContextFile[];
  sources: CompletionSourceReport[];
  /** Tokens of the prompt sent, counted with `tokenizer`. */
  prompt_tokens: number;
  /** The most the prompt may have: n_ctx − max_new_tokens − 1 (a BOS the server may add). */
  budget_tokens: number;
  /** prompt_tokens / budget_tokens: how close to the budget the prompt was filled (0 for the chat fallback). */
  fill_ratio: number;
  /** Tokens of the context part (repository header and snippets) and its budget (`rag_tokens_limit`). */
  context_tokens: number;
  /** `hf://…`, a path, `tiktoken:…`, or `estimate`. */
  tokenizer: string;
  /** Why counts are estimated; absent when exact. */
  tokenizer_warning?: string;
  /** `fim` (the model's own FIM tokens) or `chat` (the chat fallback for models without FIM). */
  mode: 'fim' | 'chat';
  upstream_ms: number;
}

/** The non-stream answer; a cache hit carries `cached: true` and no `context`. */
export interface CodeCompletionResponse {
  choices: CodeCompletionChoice[];
  model: string;
  cached: boolean;
  snippet_telemetry_id: number;
  created: number;
  context?: CodeCompletionContext;
}

/**
 * One SSE frame of a streamed answer: deltas with `finish_reason: null`, then a last frame with
 * the finish reason and an empty `code_completion`, then `data: [DONE]`. An error after the
 * stream started is a frame `{"detail": "..."}`.
 */
export interface CodeCompletionStreamFrame {
  choices: CodeCompletionChoice[];
  model: string;
  snippet_telemetry_id: number;
  created: number;
  cached?: boolean;
  context?: CodeCompletionContext;
}

// ---- LSP ----

/** `refact/getCompletions` params. `position.character` counts code points, as Refact's route does. */
export interface GetCompletionsParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
  parameters?: CodeCompletionParameters;
  multiline?: boolean;
  model?: string;
  no_cache?: boolean;
  use_ast?: boolean;
  use_vecdb?: boolean;
}

export interface GetCompletionsResult {
  choices: CodeCompletionChoice[];
  cached: boolean;
  snippet_telemetry_id: number;
  model: string;
  created: number;
  context?: CodeCompletionContext;
}

/** `refact/acceptCompletion` params: the id the completion answer carried. */
export interface AcceptCompletionParams {
  snippet_telemetry_id: number;
}
