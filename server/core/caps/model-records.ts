/**
 * Model records as written in providers.d YAML, legacy caps documents and the known-models
 * table: one parser per model kind, sharing the base fields.
 */
import { FieldReader, isObject, type JsonObject } from './fields';
import {
  COMPLETION_MODEL_FAMILIES,
  DEFAULT_EMBEDDING_BATCH,
  MAX_EMBEDDING_BATCH,
  defaultCompletionPatch,
  newChatModel,
  newCompletionModel,
  newEmbeddingModel,
  type AnyModelRecord,
  type ChatModelRecord,
  type CompletionModelRecord,
  type EmbeddingModelRecord,
} from './model';

function readBase(r: FieldReader, obj: JsonObject, model: AnyModelRecord): void {
  model.n_ctx = r.count(obj, 'n_ctx', 0);
  model.tokenizer = r.string(obj, 'tokenizer');
  model.enabled = r.bool(obj, 'enabled', true);
  model.experimental = r.bool(obj, 'experimental', false);
  model.similar_models = r.strings(obj, 'similar_models');
  // A model may name its own endpoint and key, overriding its provider's.
  model.endpoint = r.string(obj, 'endpoint');
  model.endpoint_style = r.string(obj, 'endpoint_style');
  model.api_key = r.string(obj, 'api_key');
  model.tokenizer_api_key = r.string(obj, 'tokenizer_api_key');
}

function patchOrNull(r: FieldReader, obj: JsonObject): Record<string, unknown> | null {
  return r.object(obj, 'scratchpad_patch');
}

export function parseChatModel(r: FieldReader, name: string, obj: JsonObject): ChatModelRecord {
  const model = newChatModel(name);
  readBase(r, obj, model);
  model.scratchpad = r.string(obj, 'scratchpad', model.scratchpad);
  model.scratchpad_patch = patchOrNull(r, obj);
  model.supports_tools = r.bool(obj, 'supports_tools', false);
  model.supports_multimodality = r.bool(obj, 'supports_multimodality', false);
  model.supports_clicks = r.bool(obj, 'supports_clicks', false);
  model.supports_agent = r.bool(obj, 'supports_agent', false);
  model.supports_reasoning = r.optionalString(obj, 'supports_reasoning');
  model.supports_boost_reasoning = r.bool(obj, 'supports_boost_reasoning', false);
  model.default_temperature = r.optionalNumber(obj, 'default_temperature');
  return model;
}

export function parseCompletionModel(r: FieldReader, name: string, obj: JsonObject): CompletionModelRecord {
  const model = newCompletionModel(name);
  readBase(r, obj, model);
  model.scratchpad = r.string(obj, 'scratchpad', model.scratchpad);
  model.scratchpad_patch = patchOrNull(r, obj) ?? defaultCompletionPatch();
  const family = r.optionalString(obj, 'model_family');
  if (family !== null && !(COMPLETION_MODEL_FAMILIES as readonly string[]).includes(family)) {
    r.fail('model_family', `one of ${COMPLETION_MODEL_FAMILIES.join(', ')}`);
  } else {
    model.model_family = family;
  }
  return model;
}

/**
 * An embedding model is either a bare name, to be completed from the known-models table, or a
 * full record. A bare name gets no sizes, so it does not count as configured until completed.
 */
export function parseEmbeddingModel(r: FieldReader, value: unknown): EmbeddingModelRecord | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return { ...newEmbeddingModel(value), embedding_batch: 0, rejection_threshold: 0 };
  if (!isObject(value)) {
    r.issues.push(`'${r.path('embedding_model')}' must be a model name or a mapping`);
    return null;
  }
  const er = r.child('embedding_model');
  const model = newEmbeddingModel(er.string(value, 'name'));
  readBase(er, value, model);
  model.embedding_size = er.count(value, 'embedding_size', 0);
  model.rejection_threshold = er.number(value, 'rejection_threshold', model.rejection_threshold);
  const batch = er.count(value, 'embedding_batch', DEFAULT_EMBEDDING_BATCH);
  // Refact resets an oversized batch to the default rather than clamping it to the maximum.
  model.embedding_batch = batch > MAX_EMBEDDING_BATCH ? DEFAULT_EMBEDDING_BATCH : batch;
  return model;
}

/** Reads `name → record` mappings in document order. */
export function parseModelMap<M>(
  r: FieldReader,
  obj: JsonObject,
  key: string,
  parse: (r: FieldReader, name: string, obj: JsonObject) => M,
): Map<string, M> {
  const models = new Map<string, M>();
  const section = r.object(obj, key);
  if (!section) return models;
  const sr = r.child(key);
  for (const [name, value] of Object.entries(section)) {
    if (value === null || value === undefined) {
      models.set(name, parse(sr.child(name), name, {}));
    } else if (isObject(value)) {
      models.set(name, parse(sr.child(name), name, value));
    } else {
      sr.fail(name, 'a mapping');
    }
  }
  return models;
}
