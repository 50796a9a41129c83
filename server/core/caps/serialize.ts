/**
 * Caps as `GET /v1/caps` answers them: Refact's field order, models keyed `provider/model`, and
 * nothing private (endpoints, keys, endpoint style, similar models) on the wire.
 */
import type { CapsChatModel, CapsCompletionModel, CapsEmbeddingModel, CapsModelBase, EngineCaps } from '../../../src/protocol/http';
import { newEmbeddingModel, type AnyModelRecord, type Caps, type ChatModelRecord, type CompletionModelRecord, type EmbeddingModelRecord } from './model';

function base(model: AnyModelRecord): CapsModelBase {
  const { n_ctx, name, id, tokenizer, enabled, experimental, removable, user_configured } = model;
  return { n_ctx, name, id, tokenizer, enabled, experimental, removable, user_configured };
}

export function serializeCompletionModel(model: CompletionModelRecord): CapsCompletionModel {
  return { ...base(model), scratchpad: model.scratchpad, scratchpad_patch: model.scratchpad_patch, model_family: model.model_family };
}

export function serializeChatModel(model: ChatModelRecord): CapsChatModel {
  return {
    ...base(model),
    supports_tools: model.supports_tools,
    supports_multimodality: model.supports_multimodality,
    supports_clicks: model.supports_clicks,
    supports_agent: model.supports_agent,
    supports_reasoning: model.supports_reasoning,
    supports_boost_reasoning: model.supports_boost_reasoning,
    default_temperature: model.default_temperature,
  };
}

/** With no embedding model, Refact serializes an empty record rather than leaving it out. */
export function serializeEmbeddingModel(model: EmbeddingModelRecord | null): CapsEmbeddingModel {
  if (!model) {
    return { ...base({ ...newEmbeddingModel(''), enabled: false }), embedding_size: 0, rejection_threshold: 0, embedding_batch: 0 };
  }
  return { ...base(model), embedding_size: model.embedding_size, rejection_threshold: model.rejection_threshold, embedding_batch: model.embedding_batch };
}

function mapValues<M, W>(models: Map<string, M>, serialize: (m: M) => W): Record<string, W> {
  return Object.fromEntries(Array.from(models, ([id, model]) => [id, serialize(model)]));
}

export function serializeCaps(caps: Caps): EngineCaps {
  return {
    cloud_name: caps.cloud_name,
    telemetry_basic_dest: caps.telemetry_basic_dest,
    telemetry_basic_retrieve_my_own: caps.telemetry_basic_retrieve_my_own,
    completion_models: mapValues(caps.completion_models, serializeCompletionModel),
    chat_models: mapValues(caps.chat_models, serializeChatModel),
    embedding_model: serializeEmbeddingModel(caps.embedding_model),
    completion_default_model: caps.defaults.completion_default_model,
    chat_default_model: caps.defaults.chat_default_model,
    chat_thinking_model: caps.defaults.chat_thinking_model,
    chat_light_model: caps.defaults.chat_light_model,
    caps_version: caps.caps_version,
    customization: caps.customization,
    hf_tokenizer_template: caps.hf_tokenizer_template,
    metadata: caps.metadata,
  };
}
