/**
 * The settings routes' shapes (Refact's providers.rs DTOs): providers and models as the
 * settings UI shows and edits them, and validation of what it posts back.
 */
import type {
  ChatModelDTO,
  CompletionModelDTO,
  EmbeddingModelDTO,
  ModelLight,
  ModelsResponse,
  ModelType,
  ProviderDTO,
} from '../../../src/protocol/http';
import { FieldReader, isObject } from '../caps/fields';
import { newEmbeddingModel, type AnyModelRecord, type ChatModelRecord, type CompletionModelRecord, type EmbeddingModelRecord } from '../caps/model';
import { parseChatModel, parseCompletionModel, parseEmbeddingModel } from '../caps/model-records';
import { fail, ok, type Outcome } from '../outcome';
import type { Provider } from './provider';

export function providerDto(p: Provider, readonly: boolean): ProviderDTO {
  return {
    name: p.name,
    endpoint_style: p.endpoint_style,
    chat_endpoint: p.chat_endpoint,
    completion_endpoint: p.supports_completion ? p.completion_endpoint : '',
    embedding_endpoint: p.embedding_endpoint,
    api_key: p.api_key,
    tokenizer_api_key: p.tokenizer_api_key,
    chat_default_model: p.defaults.chat_default_model,
    chat_thinking_model: p.defaults.chat_thinking_model,
    chat_light_model: p.defaults.chat_light_model,
    enabled: p.enabled,
    readonly,
    supports_completion: p.supports_completion,
  };
}

function light(m: AnyModelRecord): ModelLight {
  return { name: m.name, enabled: m.enabled, removable: m.removable, user_configured: m.user_configured };
}

/** A provider without an embedding model shows Refact's empty record (disabled, no name). */
function embeddingOrEmpty(p: Provider): EmbeddingModelRecord {
  return p.embedding_model ?? { ...newEmbeddingModel(''), enabled: false, embedding_batch: 0, rejection_threshold: 0 };
}

export function modelsResponse(p: Provider): ModelsResponse {
  return {
    chat_models: Array.from(p.chat_models.values(), light),
    completion_models: p.supports_completion ? Array.from(p.completion_models.values(), light) : [],
    embedding_model: light(embeddingOrEmpty(p)),
  };
}

export function chatDto(m: ChatModelRecord): ChatModelDTO {
  return {
    n_ctx: m.n_ctx, name: m.name, tokenizer: m.tokenizer, enabled: m.enabled,
    supports_tools: m.supports_tools, supports_multimodality: m.supports_multimodality, supports_clicks: m.supports_clicks,
    supports_agent: m.supports_agent, supports_reasoning: m.supports_reasoning, supports_boost_reasoning: m.supports_boost_reasoning,
    default_temperature: m.default_temperature, type: 'chat',
  };
}

export function completionDto(m: CompletionModelRecord): CompletionModelDTO {
  return { n_ctx: m.n_ctx, name: m.name, enabled: m.enabled, model_family: m.model_family, type: 'completion' };
}

export function embeddingDto(m: EmbeddingModelRecord): EmbeddingModelDTO {
  return {
    n_ctx: m.n_ctx, name: m.name, tokenizer: m.tokenizer, enabled: m.enabled,
    embedding_size: m.embedding_size, rejection_threshold: m.rejection_threshold, embedding_batch: m.embedding_batch, type: 'embedding',
  };
}

/** One model of a provider by type and name, as the settings UI shows it. */
export function findModelDto(p: Provider, type: ModelType, name: string | undefined): Outcome<ChatModelDTO | CompletionModelDTO | EmbeddingModelDTO> {
  if (type === 'embedding') return ok(embeddingDto(embeddingOrEmpty(p)));
  if (type === 'completion' && !p.supports_completion) return fail('Unprocessable', `provider ${p.name} does not support completion`);
  if (!name) return fail('BadRequest', 'missing `model` query parameter');
  const model = type === 'chat' ? p.chat_models.get(name) : p.completion_models.get(name);
  if (!model) return fail('NotFound', `${type} model ${name} not found for provider ${p.name}`);
  return ok(type === 'chat' ? chatDto(model as ChatModelRecord) : completionDto(model as CompletionModelRecord));
}

export type PostedModel =
  | { type: 'chat'; model: ChatModelRecord }
  | { type: 'completion'; model: CompletionModelRecord }
  | { type: 'embedding'; model: EmbeddingModelRecord };

/** Validates a posted model with the same rules as the YAML it will be written to. */
export function readPostedModel(type: ModelType, value: unknown): Outcome<PostedModel> {
  if (!isObject(value)) return fail('BadRequest', "'model' must be an object");
  const r = new FieldReader('model');
  const name = r.string(value, 'name');
  if (!name) r.issues.push("'model.name' is required");
  const posted: PostedModel =
    type === 'chat' ? { type, model: parseChatModel(r, name, value) }
    : type === 'completion' ? { type, model: parseCompletionModel(r, name, value) }
    : { type, model: parseEmbeddingModel(r, { ...value, name }) ?? newEmbeddingModel(name) };
  if (r.issues.length > 0) return fail('BadRequest', r.issues.join('; '));
  return ok(posted);
}
