/** Everything the server is started with, after the command line and environment are read. */
export interface ServerConfig {
  host: string;
  port: number;
  /** Configs, weights and logs live here (Refact's `REFACT_PERM_DIR`). */
  permDir: string;
  /** `--model`: a GGUF path, `NAME=PATH`, or a registry name found under the perm dir. */
  models: string[];
  /** `--embedding-model`: like `--model`, listed in the caps' embedding section. */
  embeddingModels: string[];
  /** `--download`: registry names or `NAME=URL` fetched into the perm dir before serving. */
  downloads: string[];
  /** `--import`: `NAME=PATH` or `PATH`, local GGUFs copied into the perm dir before serving. */
  imports: string[];
  /** `--upstream`: `URL` (models discovered from `URL/v1/models`) or `MODEL=URL`. */
  upstreams: string[];
  /** Bearer key sent to upstreams (`REFACT_UPSTREAM_API_KEY`). */
  upstreamApiKey: string | null;
  /** Guards the admin UI and admin API; also accepted on `/v1/*`. */
  adminToken: string | null;
  /** Bearer tokens accepted on `/v1/*`; empty means open. */
  apiTokens: string[];
  /** `--cors-origin`: browser origins besides the admin page's own that may call the server. */
  corsOrigins: string[];
  /** Parallel sequences per local model (one context, this many slots). */
  parallel: number;
  /** Requests allowed to wait for a slot before new ones get 429. */
  maxQueue: number;
  /** Context size per sequence; null lets node-llama-cpp fit it to free memory. */
  ctxSize: number | null;
  /** `auto` fits layers to free VRAM, `max` puts all on the GPU, a number sets how many (0 = CPU). */
  gpuLayers: 'auto' | 'max' | number;
  gpu: 'auto' | 'cpu' | 'cuda' | 'vulkan' | 'metal';
  /** CPU threads per context; null lets node-llama-cpp choose. One is best for tiny models and busy machines. */
  threads: number | null;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Largest accepted prompt, in characters (before tokenizing). */
  maxPromptChars: number;
  /** Requests per minute per token (0 = unlimited). */
  rateLimitPerMinute: number;
  /** Seconds between upstream health checks. */
  healthIntervalS: number;
  logRequests: boolean;
}

export const DEFAULTS: Omit<ServerConfig, 'permDir'> = {
  host: '127.0.0.1',
  port: 8008,
  models: [],
  embeddingModels: [],
  downloads: [],
  imports: [],
  upstreams: [],
  upstreamApiKey: null,
  adminToken: null,
  apiTokens: [],
  corsOrigins: [],
  parallel: 4,
  maxQueue: 64,
  ctxSize: null,
  gpuLayers: 'auto',
  gpu: 'auto',
  threads: null,
  bodyLimit: 8 * 1024 * 1024,
  maxPromptChars: 1_000_000,
  rateLimitPerMinute: 0,
  healthIntervalS: 10,
  logRequests: false,
};
