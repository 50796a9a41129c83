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
  completionModelFamilies: '/v1/completion-model-families',
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

/** One problem found in a YAML config file; `error_line` starts at 1, 0 when unknown. */
export interface YamlError {
  path: string;
  error_line: number;
  error_msg: string;
}

/** `POST`/`DELETE` answers of the providers and models routes. */
export interface SuccessResponse {
  success: true;
}

export interface ProviderListItem {
  name: string;
  enabled: boolean;
  /** The caps server's own provider: shown, never written. */
  readonly: boolean;
  supports_completion: boolean;
}

/** `GET /v1/providers`: the caps server's provider first, then providers.d. */
export interface ProvidersResponse {
  providers: ProviderListItem[];
  error_log: YamlError[];
}

/** `GET /v1/provider-templates`. */
export interface ProviderTemplatesResponse {
  provider_templates: { name: string }[];
}

/** `GET /v1/provider?provider-name=`, and the body of `POST /v1/provider`. */
export interface ProviderDTO {
  name: string;
  endpoint_style: string;
  chat_endpoint: string;
  completion_endpoint: string;
  embedding_endpoint: string;
  /** As written in the file: a key, `$ENV_VAR`, or empty for `--api-key`. */
  api_key: string;
  tokenizer_api_key: string;
  chat_default_model: string;
  chat_thinking_model: string;
  chat_light_model: string;
  enabled: boolean;
  readonly: boolean;
  supports_completion: boolean;
}

export type ModelType = 'chat' | 'completion' | 'embedding';

export interface ModelLight {
  name: string;
  enabled: boolean;
  removable: boolean;
  user_configured: boolean;
}

/** `GET /v1/models?provider-name=`. */
export interface ModelsResponse {
  chat_models: ModelLight[];
  completion_models: ModelLight[];
  embedding_model: ModelLight;
}

/** The settings UI's view of a chat model: the caps record without ids and flags it cannot edit. */
export type ChatModelDTO = Pick<
  CapsChatModel,
  'n_ctx' | 'name' | 'tokenizer' | 'enabled' | 'supports_tools' | 'supports_multimodality' | 'supports_clicks' | 'supports_agent' | 'supports_reasoning' | 'supports_boost_reasoning' | 'default_temperature'
> & { type: 'chat' };

export type CompletionModelDTO = Pick<CapsCompletionModel, 'n_ctx' | 'name' | 'enabled' | 'model_family'> & { type: 'completion' };

export type EmbeddingModelDTO = Pick<CapsEmbeddingModel, 'n_ctx' | 'name' | 'tokenizer' | 'enabled' | 'embedding_size' | 'rejection_threshold' | 'embedding_batch'> & {
  type: 'embedding';
};

/** `GET /v1/model?provider=&model=&type=` and `GET /v1/model-defaults?provider=&type=`. */
export type ModelDTO = ChatModelDTO | CompletionModelDTO | EmbeddingModelDTO;

/** `POST /v1/model`; `model` is the DTO of `type` (its `type` field may be left out). */
export interface ModelPost {
  provider: string;
  type: ModelType;
  model: Partial<ModelDTO> & { name: string };
}

/** `GET /v1/completion-model-families`. */
export interface CompletionModelFamiliesResponse {
  model_families: string[];
}

export interface CustomizationMessage {
  role: string;
  content: string;
}

export interface SystemPrompt {
  description: string;
  text: string;
  /** `always` (or empty), `never`, `experimental`. */
  show: string;
}

export interface ToolboxCommand {
  description: string;
  messages: CustomizationMessage[];
  /** `[min, max]` selected lines, or empty when any selection will do. */
  selection_needed: number[];
  selection_unwanted: boolean;
  insert_at_cursor: boolean;
}

export interface CodeLensCommand {
  label: string;
  auto_submit: boolean;
  new_tab: boolean;
  messages: CustomizationMessage[];
}

/** How a tool that runs its own sub-chat picks and sizes its model. */
export interface SubchatToolParameters {
  subchat_model_type: 'light' | 'default' | 'thinking';
  /** A full model id; empty = the caps default of `subchat_model_type`. */
  subchat_model: string;
  subchat_n_ctx: number;
  subchat_tokens_for_rag: number;
  subchat_temperature: number | null;
  subchat_max_new_tokens: number;
  subchat_reasoning_effort: string | null;
}

/** `GET /v1/customization`: built-in defaults, then the caps server's, then the user's file. */
export interface CustomizationResponse {
  system_prompts: Record<string, SystemPrompt>;
  subchat_tool_parameters: Record<string, SubchatToolParameters>;
  toolbox_commands: Record<string, ToolboxCommand>;
  code_lens: Record<string, CodeLensCommand>;
  error_log: YamlError[];
}
