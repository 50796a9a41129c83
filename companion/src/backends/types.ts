import type { ScratchpadPatch } from '../../../src/protocol/caps';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../../../src/protocol/openai';

/** What a served model can do, as the caps document and `/v1/models` describe it. */
export interface ModelInfo {
  /** The name clients send as `model`. */
  name: string;
  backend: 'local' | 'upstream';
  completion: boolean;
  chat: boolean;
  embedding: boolean;
  nCtx: number;
  /** Embedding vector length, when known. */
  embeddingSize: number | null;
  /** FIM tokens when the model is a known coder model; absent means plain completion. */
  fim: ScratchpadPatch | null;
  supportsTools: boolean;
}

/** Per-request facts a backend needs: abort on client disconnect, and who is asking. */
export interface RequestContext {
  signal: AbortSignal;
  /** The caller's bearer token (or `anonymous`), for affinity and quotas; never logged. */
  caller: string;
  /**
   * Told the tokens a request spent (prompt, generated) once it ends, aborted or not, for the
   * caller's quota. Local backends count them; upstream backends read the upstream's `usage`.
   */
  onUsage?: (promptTokens: number, completionTokens: number) => void;
}

/**
 * What a backend answers. `events` are serialized as SSE `data:` lines and closed by
 * `[DONE]`; `raw` is piped through untouched (an upstream's own stream or JSON), which is how
 * the proxy path stays cheap.
 */
export type BackendReply =
  | { type: 'json'; body: unknown }
  | { type: 'events'; events: AsyncIterable<unknown> }
  | { type: 'raw'; status: number; contentType: string; body: NodeJS.ReadableStream & { readableEnded: boolean; destroy: () => void }; onEnd?: () => void };

export interface ModelBackend {
  readonly info: ModelInfo;
  completion(req: CompletionRequest, ctx: RequestContext): Promise<BackendReply>;
  chat(req: ChatCompletionRequest, ctx: RequestContext): Promise<BackendReply>;
  embeddings(req: EmbeddingRequest, ctx: RequestContext): Promise<EmbeddingResponse>;
  /** The model's `tokenizer.json` as text, or null when the backend has none. */
  tokenizerJson(): Promise<string | null>;
  /** Live numbers for `/metrics` and the admin UI. */
  stats(): BackendStats;
  close(): Promise<void>;
}

export interface BackendStats {
  /** Requests being generated right now. */
  active: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** Slots in total (local) or replicas (upstream). */
  capacity: number;
  /** Upstream replicas and their health; empty for local models. */
  replicas: Array<{ url: string; healthy: boolean; inFlight: number; lastError: string | null }>;
}

/** Where a local model's weights run: layers offloaded to the GPU out of all, and its size. */
export interface Placement {
  /** What was asked for: `auto` (fit to free VRAM), `max` (all layers), or a layer count (0 = CPU). */
  requested: 'auto' | 'max' | number;
  gpuLayers: number;
  totalLayers: number;
  sizeBytes: number;
}
