/**
 * Merging a providers.d file over its template, as Refact's `apply_override` does: fields the
 * file sets win, model maps are extended, defaults are replaced only where the file names one.
 */
import { FieldReader, isObject } from '../caps/fields';
import { parseChatModel, parseCompletionModel, parseEmbeddingModel, parseModelMap } from '../caps/model-records';
import type { AnyModelRecord } from '../caps/model';
import { FIELD_ALIASES, cloneProvider, readDefaults, readModelsDictPatch, type Provider } from './provider';

export function applyOverride(template: Provider, value: unknown, r: FieldReader): Provider {
  const p = cloneProvider(template);
  if (value !== null && value !== undefined && !isObject(value)) {
    r.issues.push('a provider file must be a YAML mapping');
    return p;
  }
  const obj = value ?? {};
  p.enabled = r.bool(obj, 'enabled', p.enabled);
  p.supports_completion = r.bool(obj, 'supports_completion', p.supports_completion);
  p.endpoint_style = r.string(obj, 'endpoint_style', p.endpoint_style);
  p.completion_endpoint = r.string(obj, FIELD_ALIASES.completion_endpoint, p.completion_endpoint);
  p.chat_endpoint = r.string(obj, FIELD_ALIASES.chat_endpoint, p.chat_endpoint);
  p.embedding_endpoint = r.string(obj, FIELD_ALIASES.embedding_endpoint, p.embedding_endpoint);
  p.api_key = r.string(obj, 'api_key', p.api_key);
  p.tokenizer_api_key = r.string(obj, 'tokenizer_api_key', p.tokenizer_api_key);
  p.code_completion_n_ctx = r.count(obj, 'code_completion_n_ctx', p.code_completion_n_ctx);
  p.support_metadata = r.bool(obj, 'support_metadata', p.support_metadata);

  const embedding = parseEmbeddingModel(r, r.pick(obj, FIELD_ALIASES.embedding_model)[1]);
  if (embedding) p.embedding_model = { ...embedding, removable: true, user_configured: true };

  // A model the template does not ship (by record or by running_models) is the user's to remove.
  const mark = <M extends AnyModelRecord>(name: string, model: M, shipped: Map<string, M>): M => ({
    ...model,
    user_configured: true,
    removable: !shipped.has(name) && !template.running_models.includes(name),
  });
  for (const [name, model] of parseModelMap(r, obj, 'chat_models', parseChatModel)) {
    p.chat_models.set(name, mark(name, model, template.chat_models));
  }
  for (const [name, model] of parseModelMap(r, obj, 'completion_models', parseCompletionModel)) {
    p.completion_models.set(name, mark(name, model, template.completion_models));
  }
  for (const name of r.strings(obj, 'running_models')) if (!p.running_models.includes(name)) p.running_models.push(name);
  for (const [name, patch] of readModelsDictPatch(r, obj)) p.models_dict_patch.set(name, patch);

  const defaults = readDefaults(r, obj);
  for (const key of Object.keys(defaults) as (keyof typeof defaults)[]) if (defaults[key]) p.defaults[key] = defaults[key];
  return p;
}
