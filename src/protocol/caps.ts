/**
 * Caps documents: what a companion or Refact self-hosted server serves at `GET /refact-caps`
 * (the self-hosted format), and the older flat format some servers still serve at
 * `/coding_assistant_caps.json`. Field names are Refact's wire contract.
 */

/** A scratchpad patch: FIM tokens, stop tokens and context settings for one model. */
export interface ScratchpadPatch {
  fim_prefix?: string;
  fim_suffix?: string;
  fim_middle?: string;
  eot?: string;
  eos?: string;
  extra_stop_tokens?: string[];
  context_format?: string;
  rag_ratio?: number;
  [key: string]: unknown;
}

/** One model in a self-hosted caps section. Only `n_ctx` is required. */
export interface SelfHostedModelRecord {
  n_ctx: number;
  /** Scratchpad name → patch; the first key wins. */
  supports_scratchpads?: Record<string, ScratchpadPatch>;
  supports_tools?: boolean;
  supports_multimodality?: boolean;
  supports_clicks?: boolean;
  supports_agent?: boolean;
  supports_reasoning?: string | null;
  supports_boost_reasoning?: boolean;
  default_temperature?: number | null;
}

export interface SelfHostedEmbeddingRecord {
  n_ctx: number;
  size: number;
}

export interface SelfHostedSection<M> {
  endpoint: string;
  models: Record<string, M>;
  default_model?: string;
}

/** `GET /refact-caps` in the self-hosted format. */
export interface SelfHostedCaps {
  cloud_name: string;
  completion: SelfHostedSection<SelfHostedModelRecord> & { default_multiline_model?: string };
  chat: SelfHostedSection<SelfHostedModelRecord> & {
    default_light_model?: string;
    default_thinking_model?: string;
  };
  embedding?: SelfHostedSection<SelfHostedEmbeddingRecord>;
  telemetry_endpoints?: {
    telemetry_basic_endpoint?: string;
    telemetry_corrected_snippets_endpoint?: string;
    telemetry_basic_retrieve_my_own_endpoint?: string;
  };
  /** Model name → URL (often relative) of its `tokenizer.json`. */
  tokenizer_endpoints?: Record<string, string>;
  caps_version?: number;
  customization?: string;
  support_metadata?: boolean;
  metadata?: { pricing?: unknown; features?: string[] };
}

/** The legacy flat caps format (`coding_assistant_caps.json`); every field is optional. */
export interface LegacyCaps {
  cloud_name?: string;
  endpoint_template?: string;
  endpoint_chat_passthrough?: string;
  endpoint_style?: string;
  endpoint_embeddings_template?: string;
  running_models?: string[];
  code_completion_default_model?: string;
  code_chat_default_model?: string;
  code_completion_n_ctx?: number;
  models_dict_patch?: Record<string, { n_ctx?: number; supports_tools?: boolean; supports_multimodality?: boolean }>;
  default_embeddings_model?: string | { name: string; [key: string]: unknown };
  size_embeddings?: number;
  tokenizer_path_template?: string;
  tokenizer_rewrite_path?: Record<string, string>;
  telemetry_basic_dest?: string;
  telemetry_basic_retrieve_my_own?: string;
  caps_version?: number;
  customization?: string;
  [key: string]: unknown;
}

/** Where a caps document is served, relative to the Address URL; the first is tried first. */
export const CAPS_PATHS = ['refact-caps', 'coding_assistant_caps.json'] as const;
