/**
 * The engine's caps model: every model it can call, keyed by `provider/model`, with the
 * endpoint, key and prompt settings needed to call it. Field names follow Refact's caps and
 * providers.d vocabulary (snake_case), so the same words mean the same thing in YAML, in
 * `/v1/caps` and here; the private fields (endpoint, keys) are never serialized.
 */
import type { CapsChatModel, CapsCompletionModel, CapsEmbeddingModel } from '../../../src/protocol/http';

/** What every model record carries besides its public `/v1/caps` fields. */
export interface ModelPrivate {
  /** Full URL; `$MODEL` already replaced by the model name. */
  endpoint: string;
  /** `openai` or `hf`. */
  endpoint_style: string;
  api_key: string;
  tokenizer_api_key: string;
  support_metadata: boolean;
  /** Other names this record answers for (known models and legacy running_models). */
  similar_models: string[];
}

export type CompletionModelRecord = CapsCompletionModel & ModelPrivate;
export type EmbeddingModelRecord = CapsEmbeddingModel & ModelPrivate;
/** Chat models keep their scratchpad internally; `/v1/caps` hides it. */
export type ChatModelRecord = CapsChatModel & ModelPrivate & { scratchpad: string; scratchpad_patch: Record<string, unknown> | null };
export type AnyModelRecord = CompletionModelRecord | ChatModelRecord | EmbeddingModelRecord;

export interface DefaultModels {
  completion_default_model: string;
  chat_default_model: string;
  chat_thinking_model: string;
  chat_light_model: string;
}

export interface CapsMetadata {
  pricing: unknown;
  features: string[];
}

/** Caps-level facts that do not belong to one provider. */
export interface CapsInfo {
  cloud_name: string;
  telemetry_basic_dest: string;
  telemetry_basic_retrieve_my_own: string;
  caps_version: number;
  customization: string;
  hf_tokenizer_template: string;
  metadata: CapsMetadata;
}

export interface Caps extends CapsInfo {
  completion_models: Map<string, CompletionModelRecord>;
  chat_models: Map<string, ChatModelRecord>;
  /** `null` when no provider configures an embedding model. */
  embedding_model: EmbeddingModelRecord | null;
  defaults: DefaultModels;
}

export const COMPLETION_SCRATCHPADS = ['FIM-PSM', 'FIM-SPM', 'REPLACE', 'REPLACE_PASSTHROUGH'] as const;
export const CHAT_SCRATCHPADS = ['PASSTHROUGH', 'CHAT-GENERIC'] as const;
export const COMPLETION_MODEL_FAMILIES = ['qwen2.5-coder-base', 'starcoder', 'deepseek-coder'] as const;

export const DEFAULT_COMPLETION_SCRATCHPAD = 'REPLACE_PASSTHROUGH';
export const DEFAULT_CHAT_SCRATCHPAD = 'PASSTHROUGH';
export const DEFAULT_REJECTION_THRESHOLD = 0.63;
export const DEFAULT_EMBEDDING_BATCH = 64;
export const MAX_EMBEDDING_BATCH = 256;
export const DEFAULT_HF_TOKENIZER_TEMPLATE = 'https://huggingface.co/$HF_MODEL/resolve/main/tokenizer.json';

/** A fresh object each call: patches are mutable JSON that callers may edit. */
export function defaultCompletionPatch(): Record<string, unknown> {
  return { context_format: 'chat', rag_ratio: 0.5 };
}

/** Refact's rule: every non-alphanumeric character becomes `_`, letters go lowercase. */
export function normalizeCloudName(name: string): string {
  return Array.from(name, (c) => (/^[\p{L}\p{N}]$/u.test(c) ? c.toLowerCase() : '_')).join('');
}

export function emptyDefaults(): DefaultModels {
  return { completion_default_model: '', chat_default_model: '', chat_thinking_model: '', chat_light_model: '' };
}

/**
 * Telemetry destinations default to empty rather than to Refact's cloud: this engine sends no
 * telemetry, and a self-hosted setup must not point anywhere it did not configure.
 */
export function emptyCapsInfo(): CapsInfo {
  return {
    cloud_name: '',
    telemetry_basic_dest: '',
    telemetry_basic_retrieve_my_own: '',
    caps_version: 0,
    customization: '',
    hf_tokenizer_template: DEFAULT_HF_TOKENIZER_TEMPLATE,
    metadata: { pricing: null, features: [] },
  };
}

function basePrivate(): ModelPrivate {
  return { endpoint: '', endpoint_style: '', api_key: '', tokenizer_api_key: '', support_metadata: false, similar_models: [] };
}

function basePublic(name: string) {
  return { n_ctx: 0, name, id: '', tokenizer: '', enabled: true, experimental: false, removable: false, user_configured: false };
}

export function newCompletionModel(name: string): CompletionModelRecord {
  return { ...basePublic(name), ...basePrivate(), scratchpad: DEFAULT_COMPLETION_SCRATCHPAD, scratchpad_patch: defaultCompletionPatch(), model_family: null };
}

export function newChatModel(name: string): ChatModelRecord {
  return {
    ...basePublic(name), ...basePrivate(),
    scratchpad: DEFAULT_CHAT_SCRATCHPAD, scratchpad_patch: null,
    supports_tools: false, supports_multimodality: false, supports_clicks: false, supports_agent: false,
    supports_reasoning: null, supports_boost_reasoning: false, default_temperature: null,
  };
}

export function newEmbeddingModel(name: string): EmbeddingModelRecord {
  return { ...basePublic(name), ...basePrivate(), embedding_size: 0, rejection_threshold: DEFAULT_REJECTION_THRESHOLD, embedding_batch: DEFAULT_EMBEDDING_BATCH };
}

/** Refact counts an embedding model as configured once it has a name and any size. */
export function isEmbeddingConfigured(model: EmbeddingModelRecord): boolean {
  return model.name !== '' && (model.embedding_size > 0 || model.embedding_batch > 0 || model.n_ctx > 0);
}

/** Fine-tuned models are addressed as `base:lora`; lookups fall back to the base. */
export function stripFinetune(model: string): string {
  return model.split(':')[0]!;
}
