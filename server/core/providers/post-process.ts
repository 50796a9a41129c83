/**
 * Turning a parsed provider into callable models, as Refact's `post_process_provider` does:
 * running models are completed from the known-models table, server patches applied, every
 * record gets its name and `provider/model` id, and disabled models are dropped.
 */
import { knownModels, type KnownModels } from '../caps/known-models';
import { isEmbeddingConfigured, stripFinetune, type AnyModelRecord } from '../caps/model';
import { cloneProvider, type Provider } from './provider';

export interface PostProcessOptions {
  experimental: boolean;
  /** The settings routes show disabled models; caps drop them. */
  includeDisabledModels: boolean;
}

export interface Processed {
  provider: Provider;
  warnings: string[];
}

export function postProcessProvider(input: Provider, options: PostProcessOptions, known: KnownModels = knownModels()): Processed {
  const p = cloneProvider(input);
  const warnings: string[] = [];
  for (const name of Object.values(p.defaults)) if (name && !p.running_models.includes(name)) p.running_models.push(name);

  for (const name of p.running_models) {
    if (!p.completion_models.has(name)) {
      const found = findModel(name, p.completion_models, known.completion, options.experimental);
      if (found) p.completion_models.set(name, found);
    }
    if (!p.chat_models.has(name)) {
      const found = findModel(name, p.chat_models, known.chat, options.experimental);
      if (found) p.chat_models.set(name, found);
    }
    if (!p.completion_models.has(name) && !p.chat_models.has(name) && name !== p.embedding_model?.name) {
      warnings.push(`provider ${p.name}: running model '${name}' is not a known model; describe it under chat_models or completion_models`);
    }
  }
  const bare = p.embedding_model;
  if (bare && bare.name && !isEmbeddingConfigured(bare)) {
    const name = bare.name;
    const found = findModel(name, new Map(), known.embedding, options.experimental);
    if (found) p.embedding_model = { ...found, name, removable: bare.removable, user_configured: bare.user_configured };
    else warnings.push(`provider ${p.name}: unknown embedding model '${name}'; give it n_ctx and embedding_size`);
  }

  for (const [name, patch] of p.models_dict_patch) {
    const nCtx = typeof patch.n_ctx === 'number' && Number.isInteger(patch.n_ctx) && patch.n_ctx >= 0 ? patch.n_ctx : null;
    const completion = p.completion_models.get(name);
    if (completion && nCtx !== null) completion.n_ctx = nCtx;
    const chat = p.chat_models.get(name);
    if (!chat) continue;
    if (nCtx !== null) chat.n_ctx = nCtx;
    if (typeof patch.supports_tools === 'boolean') chat.supports_tools = patch.supports_tools;
    if (typeof patch.supports_multimodality === 'boolean') chat.supports_multimodality = patch.supports_multimodality;
  }

  for (const models of [p.completion_models, p.chat_models] as Map<string, AnyModelRecord>[]) {
    for (const [name, model] of models) {
      model.name = name;
      model.id = `${p.name}/${name}`;
      if (!options.includeDisabledModels && !model.enabled) models.delete(name);
    }
  }
  if (p.embedding_model && isEmbeddingConfigured(p.embedding_model)) p.embedding_model.id = `${p.name}/${p.embedding_model.name}`;
  return { provider: p, warnings };
}

/**
 * Looks a running model up by exact name, then without a fine-tune suffix, then among
 * `similar_models`: first in the provider's own records, then in the known table. Experimental
 * records count only with `--experimental`.
 */
function findModel<M extends AnyModelRecord>(name: string, own: Map<string, M>, known: Map<string, M>, experimental: boolean): M | null {
  const stripped = stripFinetune(name);
  const usable = (m: M | undefined): m is M => !!m && (!m.experimental || experimental);
  for (const table of [own, known]) {
    const direct = table.get(name) ?? table.get(stripped);
    if (usable(direct)) return structuredClone(direct);
    for (const model of table.values()) {
      if ((model.similar_models.includes(name) || model.similar_models.includes(stripped)) && usable(model)) return structuredClone(model);
    }
  }
  return null;
}

export interface ResolvedKey {
  key: string;
  warning: string | null;
}

/**
 * `$NAME` reads the environment; empty means `--api-key`. A missing variable gives an empty
 * key, not `--api-key`: that key belongs to the caps server and must not leak to another host.
 */
export function resolveApiKey(key: string, fallback: string, env: Readonly<Record<string, string | undefined>>, owner: string): ResolvedKey {
  if (key === '') return { key: fallback, warning: null };
  if (!key.startsWith('$')) return { key, warning: null };
  const value = env[key.slice(1)];
  if (value !== undefined && value !== '') return { key: value, warning: null };
  return { key: '', warning: `${owner}: environment variable ${key.slice(1)} is not set` };
}
