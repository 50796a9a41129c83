/**
 * Merging the caps server's provider and the providers.d providers into one caps, as Refact's
 * `add_models_to_caps` does: later providers override earlier ones' defaults, models are keyed
 * `provider/model`, disabled providers and models are dropped.
 */
import { postProcessProvider, resolveApiKey } from '../providers/post-process';
import type { Provider } from '../providers/provider';
import { knownModels } from './known-models';
import { emptyCapsInfo, emptyDefaults, isEmbeddingConfigured, type AnyModelRecord, type Caps, type DefaultModels } from './model';
import type { ServerCaps } from './server-caps';
import { endpointFor } from './urls';

export interface BuildOptions {
  /** `--api-key`: the key for providers that leave theirs empty. */
  apiKey: string;
  env: Readonly<Record<string, string | undefined>>;
  experimental: boolean;
}

export interface BuiltCaps {
  caps: Caps;
  /** Things a user may want to fix; none stops the caps from loading. */
  warnings: string[];
}

export function buildCaps(server: ServerCaps | null, providers: readonly Provider[], options: BuildOptions): BuiltCaps {
  const caps: Caps = {
    ...structuredClone(server?.info ?? emptyCapsInfo()),
    completion_models: new Map(),
    chat_models: new Map(),
    embedding_model: null,
    defaults: emptyDefaults(),
  };
  const warnings: string[] = [];
  const known = knownModels();
  for (const raw of server ? [server.provider, ...providers] : providers) {
    if (!raw.enabled) continue;
    const processed = postProcessProvider(raw, { experimental: options.experimental, includeDisabledModels: false }, known);
    warnings.push(...processed.warnings);
    const provider = processed.provider;
    const key = resolveApiKey(provider.api_key, options.apiKey, options.env, `provider ${provider.name}`);
    const tokenizerKey = resolveApiKey(provider.tokenizer_api_key, '', options.env, `provider ${provider.name} tokenizer`);
    for (const warning of [key.warning, tokenizerKey.warning]) if (warning) warnings.push(warning);

    const attach = (model: AnyModelRecord, endpoint: string) => {
      if (model.endpoint) {
        // A model with its own endpoint brings its own key; only `$ENV` references are filled in.
        model.endpoint = endpointFor(model.endpoint, model.name);
        model.api_key = resolveApiKey(model.api_key, '', options.env, `model ${model.id}`).key;
        return;
      }
      Object.assign(model, {
        endpoint: endpointFor(endpoint, model.name),
        endpoint_style: provider.endpoint_style,
        api_key: key.key,
        tokenizer_api_key: tokenizerKey.key,
        support_metadata: provider.support_metadata,
      });
    };
    for (const model of provider.completion_models.values()) {
      const ownEndpoint = model.endpoint !== '';
      attach(model, provider.completion_endpoint);
      // A provider may serve completion with less context than the model can take, for latency.
      if (!ownEndpoint && provider.code_completion_n_ctx > 0 && provider.code_completion_n_ctx < model.n_ctx) model.n_ctx = provider.code_completion_n_ctx;
      caps.completion_models.set(model.id, model);
    }
    for (const model of provider.chat_models.values()) {
      attach(model, provider.chat_endpoint);
      caps.chat_models.set(model.id, model);
    }
    const embedding = provider.embedding_model;
    if (embedding && isEmbeddingConfigured(embedding) && embedding.enabled) {
      attach(embedding, provider.embedding_endpoint);
      caps.embedding_model = embedding;
    }
    overrideDefaults(caps.defaults, provider);
  }
  fallBackToFirst(caps);
  return { caps, warnings };
}

function overrideDefaults(defaults: DefaultModels, provider: Provider): void {
  for (const key of Object.keys(defaults) as (keyof DefaultModels)[]) {
    if (provider.defaults[key]) defaults[key] = `${provider.name}/${provider.defaults[key]}`;
  }
}

/**
 * With providers.d alone nobody may name a default; the first model then serves, rather than
 * leaving chat and completion without a model until the user picks one.
 */
function fallBackToFirst(caps: Caps): void {
  const first = (models: Map<string, unknown>) => models.keys().next().value ?? '';
  if (!caps.chat_models.has(caps.defaults.chat_default_model)) caps.defaults.chat_default_model = first(caps.chat_models);
  if (!caps.completion_models.has(caps.defaults.completion_default_model)) caps.defaults.completion_default_model = first(caps.completion_models);
}
