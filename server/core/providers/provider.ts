/**
 * A provider: one place models are served from (a providers.d file, a template, or the caps
 * server itself), in Refact's `CapsProvider` shape. The same parser reads providers.d YAML and
 * legacy caps documents, which is why it accepts the legacy field aliases.
 */
import { FieldReader, isObject, type JsonObject } from '../caps/fields';
import type { ChatModelRecord, CompletionModelRecord, DefaultModels, EmbeddingModelRecord } from '../caps/model';
import { emptyDefaults, normalizeCloudName } from '../caps/model';
import { parseChatModel, parseCompletionModel, parseEmbeddingModel, parseModelMap } from '../caps/model-records';

export interface Provider {
  name: string;
  enabled: boolean;
  supports_completion: boolean;
  endpoint_style: string;
  completion_endpoint: string;
  chat_endpoint: string;
  embedding_endpoint: string;
  /** A literal key, `$ENV_VAR`, or empty for `--api-key`. */
  api_key: string;
  tokenizer_api_key: string;
  /** Caps completion context below what the model can do, for latency; 0 = no cap. */
  code_completion_n_ctx: number;
  support_metadata: boolean;
  completion_models: Map<string, CompletionModelRecord>;
  chat_models: Map<string, ChatModelRecord>;
  embedding_model: EmbeddingModelRecord | null;
  /** Per-model patches a server sends (n_ctx, supports_tools, supports_multimodality). */
  models_dict_patch: Map<string, JsonObject>;
  /** Bare model names (no provider prefix). */
  defaults: DefaultModels;
  /** Models to complete from the known-models table. */
  running_models: string[];
}

/** Provider names become providers.d file names, so they must not carry a path. */
export const PROVIDER_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$';

export function newProvider(name: string): Provider {
  return {
    name, enabled: true, supports_completion: true, endpoint_style: 'openai',
    completion_endpoint: '', chat_endpoint: '', embedding_endpoint: '', api_key: '', tokenizer_api_key: '',
    code_completion_n_ctx: 0, support_metadata: false,
    completion_models: new Map(), chat_models: new Map(), embedding_model: null,
    models_dict_patch: new Map(), defaults: emptyDefaults(), running_models: [],
  };
}

/** Legacy caps field names accepted for each provider field, newest first. */
export const FIELD_ALIASES = {
  completion_endpoint: ['completion_endpoint', 'endpoint_template'],
  chat_endpoint: ['chat_endpoint', 'endpoint_chat_passthrough'],
  embedding_endpoint: ['embedding_endpoint', 'endpoint_embeddings_template'],
  embedding_model: ['embedding_model', 'default_embeddings_model'],
  completion_default_model: ['completion_default_model', 'code_completion_default_model', 'completion_model'],
  chat_default_model: ['chat_default_model', 'code_chat_default_model', 'chat_model'],
  chat_thinking_model: ['chat_thinking_model'],
  chat_light_model: ['chat_light_model'],
} as const;

export function readDefaults(r: FieldReader, obj: JsonObject): DefaultModels {
  return {
    completion_default_model: r.string(obj, FIELD_ALIASES.completion_default_model),
    chat_default_model: r.string(obj, FIELD_ALIASES.chat_default_model),
    chat_thinking_model: r.string(obj, FIELD_ALIASES.chat_thinking_model),
    chat_light_model: r.string(obj, FIELD_ALIASES.chat_light_model),
  };
}

export function readModelsDictPatch(r: FieldReader, obj: JsonObject): Map<string, JsonObject> {
  const patch = new Map<string, JsonObject>();
  const section = r.object(obj, 'models_dict_patch');
  for (const [name, value] of Object.entries(section ?? {})) {
    if (isObject(value)) patch.set(name, value);
    else r.child('models_dict_patch').fail(name, 'a mapping');
  }
  return patch;
}

/**
 * Parses a whole provider document. The name comes from the caller (a file stem) or, for a caps
 * document, from its normalized `cloud_name`. Issues are collected in the reader.
 */
export function parseProvider(r: FieldReader, name: string | null, value: unknown): Provider {
  const obj = isObject(value) ? value : {};
  if (!isObject(value) && value !== null && value !== undefined) r.issues.push('a provider must be a YAML mapping');
  const provider = newProvider(name ?? normalizeCloudName(r.string(obj, ['name', 'cloud_name'])));
  provider.enabled = r.bool(obj, 'enabled', true);
  provider.supports_completion = r.bool(obj, 'supports_completion', true);
  provider.endpoint_style = r.string(obj, 'endpoint_style', 'openai');
  provider.completion_endpoint = r.string(obj, FIELD_ALIASES.completion_endpoint);
  provider.chat_endpoint = r.string(obj, FIELD_ALIASES.chat_endpoint);
  provider.embedding_endpoint = r.string(obj, FIELD_ALIASES.embedding_endpoint);
  provider.api_key = r.string(obj, 'api_key');
  provider.tokenizer_api_key = r.string(obj, 'tokenizer_api_key');
  provider.code_completion_n_ctx = r.count(obj, 'code_completion_n_ctx', 0);
  provider.support_metadata = r.bool(obj, 'support_metadata', false);
  provider.completion_models = parseModelMap(r, obj, 'completion_models', parseCompletionModel);
  provider.chat_models = parseModelMap(r, obj, 'chat_models', parseChatModel);
  provider.embedding_model = parseEmbeddingModel(r, r.pick(obj, FIELD_ALIASES.embedding_model)[1]);
  provider.models_dict_patch = readModelsDictPatch(r, obj);
  provider.defaults = readDefaults(r, obj);
  provider.running_models = r.strings(obj, 'running_models');
  return provider;
}

export function cloneProvider(provider: Provider): Provider {
  return structuredClone(provider);
}
