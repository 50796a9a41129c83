/**
 * The self-hosted caps format (`GET /refact-caps`): sections `completion`, `chat` and
 * `embedding`, each with an endpoint and models keyed by name. Every model must state `n_ctx`;
 * its first `supports_scratchpads` key picks the scratchpad.
 */
import { newProvider } from '../providers/provider';
import { FieldReader, isObject, type JsonObject } from './fields';
import {
  DEFAULT_CHAT_SCRATCHPAD,
  DEFAULT_COMPLETION_SCRATCHPAD,
  defaultCompletionPatch,
  newChatModel,
  newCompletionModel,
  newEmbeddingModel,
  normalizeCloudName,
  type AnyModelRecord,
} from './model';
import { issuesToError, readCommonInfo, readStringMap, resolveField, type CapsParse } from './server-caps';
import { endpointFor } from './urls';

/** A document is self-hosted when it has any of the three model sections. */
export function looksSelfHosted(doc: JsonObject): boolean {
  return ['completion', 'chat', 'embedding'].some((key) => doc[key] !== undefined);
}

interface Section {
  endpoint: string;
  models: [string, JsonObject][];
  defaultModel: string;
  obj: JsonObject;
}

function readSection(r: FieldReader, doc: JsonObject, key: string, capsUrl: string): Section {
  const obj = r.object(doc, key) ?? {};
  const sr = r.child(key);
  const models = sr.object(obj, 'models') ?? {};
  const entries: [string, JsonObject][] = [];
  for (const [name, value] of Object.entries(models)) {
    if (isObject(value)) entries.push([name, value]);
    else sr.child('models').fail(name, 'a mapping');
  }
  return { endpoint: resolveField(sr, capsUrl, 'endpoint', sr.string(obj, 'endpoint')), models: entries, defaultModel: sr.string(obj, 'default_model'), obj };
}

function firstScratchpad(r: FieldReader, obj: JsonObject): [string, Record<string, unknown> | null] | null {
  const pads = r.object(obj, 'supports_scratchpads');
  const first = pads ? Object.entries(pads)[0] : undefined;
  if (!first) return null;
  return [first[0], isObject(first[1]) ? first[1] : null];
}

export function parseSelfHosted(doc: JsonObject, capsUrl: string, apiKey: string): CapsParse {
  const r = new FieldReader();
  const rawName = r.string(doc, 'cloud_name');
  if (!rawName) r.issues.push("'cloud_name' is required");
  const cloudName = normalizeCloudName(rawName);
  const info = readCommonInfo(r, doc, cloudName);
  const telemetry = r.object(doc, 'telemetry_endpoints') ?? {};
  const tr = r.child('telemetry_endpoints');
  info.telemetry_basic_dest = resolveField(tr, capsUrl, 'telemetry_basic_endpoint', tr.string(telemetry, 'telemetry_basic_endpoint'));
  info.telemetry_basic_retrieve_my_own = resolveField(tr, capsUrl, 'telemetry_basic_retrieve_my_own_endpoint', tr.string(telemetry, 'telemetry_basic_retrieve_my_own_endpoint'));
  const tokenizers = readStringMap(r, doc, 'tokenizer_endpoints');
  const supportMetadata = r.bool(doc, 'support_metadata', false);

  const completion = readSection(r, doc, 'completion', capsUrl);
  const chat = readSection(r, doc, 'chat', capsUrl);
  const embedding = readSection(r, doc, 'embedding', capsUrl);
  const provider = newProvider(cloudName);
  Object.assign(provider, {
    completion_endpoint: completion.endpoint, chat_endpoint: chat.endpoint, embedding_endpoint: embedding.endpoint,
    api_key: apiKey, tokenizer_api_key: apiKey, support_metadata: supportMetadata,
  });
  const cr = r.child('chat');
  provider.defaults = {
    completion_default_model: completion.defaultModel,
    chat_default_model: chat.defaultModel,
    chat_thinking_model: cr.string(chat.obj, 'default_thinking_model'),
    chat_light_model: cr.string(chat.obj, 'default_light_model'),
  };

  // The caps server's models are complete: endpoint, key and tokenizer are filled in here.
  const finish = <M extends AnyModelRecord>(model: M, mr: FieldReader, obj: JsonObject, endpoint: string): M => {
    model.n_ctx = mr.count(obj, 'n_ctx', 0, true);
    model.endpoint = endpointFor(endpoint, model.name);
    model.endpoint_style = 'openai';
    model.api_key = apiKey;
    model.tokenizer_api_key = apiKey;
    model.support_metadata = supportMetadata;
    model.tokenizer = resolveField(mr, capsUrl, 'tokenizer', tokenizers.get(model.name) ?? '');
    return model;
  };
  for (const [name, obj] of completion.models) {
    const mr = r.child(`completion.models.${name}`);
    const model = finish(newCompletionModel(name), mr, obj, completion.endpoint);
    const [scratchpad, patch] = firstScratchpad(mr, obj) ?? [DEFAULT_COMPLETION_SCRATCHPAD, defaultCompletionPatch()];
    Object.assign(model, { scratchpad, scratchpad_patch: patch ?? {} });
    provider.completion_models.set(name, model);
  }
  for (const [name, obj] of chat.models) {
    const mr = r.child(`chat.models.${name}`);
    const [scratchpad, patch] = firstScratchpad(mr, obj) ?? [DEFAULT_CHAT_SCRATCHPAD, null];
    // Only passthrough models speak `/v1/chat/completions`; the others get a raw prompt.
    const model = finish(newChatModel(name), mr, obj, scratchpad === DEFAULT_CHAT_SCRATCHPAD ? chat.endpoint : completion.endpoint);
    Object.assign(model, {
      scratchpad, scratchpad_patch: patch,
      supports_tools: mr.bool(obj, 'supports_tools', false),
      supports_multimodality: mr.bool(obj, 'supports_multimodality', false),
      supports_clicks: mr.bool(obj, 'supports_clicks', false),
      supports_agent: mr.bool(obj, 'supports_agent', false),
      supports_reasoning: mr.optionalString(obj, 'supports_reasoning'),
      supports_boost_reasoning: mr.bool(obj, 'supports_boost_reasoning', false),
      default_temperature: mr.optionalNumber(obj, 'default_temperature'),
    });
    provider.chat_models.set(name, model);
  }
  // Only the default embedding model is used, as in Refact.
  const embeddingEntry = embedding.models.find(([name]) => name === embedding.defaultModel);
  if (embeddingEntry) {
    const [name, obj] = embeddingEntry;
    const mr = r.child(`embedding.models.${name}`);
    const model = finish(newEmbeddingModel(name), mr, obj, embedding.endpoint);
    model.embedding_size = mr.count(obj, 'size', 0, true);
    provider.embedding_model = model;
  }
  if (r.issues.length > 0) return issuesToError(r.issues, 'self-hosted');
  return { ok: true, server: { url: capsUrl, info, provider } };
}
