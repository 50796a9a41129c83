/**
 * The engine's HTTP API (Refact's `/v1/*` contract): request and response shapes shared by
 * the extension, the webview and tests. Routes are declared once here by path.
 */
export type { ErrorBody } from './errors';

export const HttpRoutes = {
  ping: '/v1/ping',
  buildInfo: '/build_info',
  caps: '/v1/caps',
  gracefulShutdown: '/v1/graceful-shutdown',
  providers: '/v1/providers',
  provider: '/v1/provider',
  providerTemplates: '/v1/provider-templates',
  models: '/v1/models',
  model: '/v1/model',
  modelDefaults: '/v1/model-defaults',
  customization: '/v1/customization',
  configPath: '/v1/config-path',
} as const;

/** `GET /build_info`. */
export interface BuildInfo {
  version: string;
  commit: string;
  build_os: string;
  /** Refact reports its Rust toolchain here; we report the Node version that runs the engine. */
  rust_version: string;
  cargo_version: string;
}

/** Base fields of every model record in `GET /v1/caps`, keyed by `provider/model`. */
export interface CapsModelBase {
  n_ctx: number;
  name: string;
  id: string;
  tokenizer: string;
  enabled: boolean;
  experimental: boolean;
  removable: boolean;
  user_configured: boolean;
}

export interface CapsCompletionModel extends CapsModelBase {
  scratchpad: string;
  scratchpad_patch: Record<string, unknown>;
  model_family: string | null;
}

export interface CapsChatModel extends CapsModelBase {
  supports_tools: boolean;
  supports_multimodality: boolean;
  supports_clicks: boolean;
  supports_agent: boolean;
  supports_reasoning: string | null;
  supports_boost_reasoning: boolean;
  default_temperature: number | null;
}

export interface CapsEmbeddingModel extends CapsModelBase {
  embedding_size: number;
  rejection_threshold: number;
  embedding_batch: number;
}

/** `GET /v1/caps`: the engine's merged view of the caps server and `providers.d`. */
export interface EngineCaps {
  cloud_name: string;
  telemetry_basic_dest: string;
  telemetry_basic_retrieve_my_own: string;
  completion_models: Record<string, CapsCompletionModel>;
  chat_models: Record<string, CapsChatModel>;
  embedding_model: CapsEmbeddingModel | Record<string, never>;
  completion_default_model: string;
  chat_default_model: string;
  chat_thinking_model: string;
  chat_light_model: string;
  caps_version: number;
  customization: string;
  hf_tokenizer_template: string;
  metadata: { pricing: unknown; features: string[] };
}

/** `GET /v1/config-path`: Refact answers the config directory as plain text. */
export type ConfigPathResponse = string;
