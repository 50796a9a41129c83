/**
 * Where a completion model's requests go: its provider's `/v1/completions` for FIM, and the
 * same provider's chat endpoint for the chat fallback. Errors name the provider, which is the
 * first part of the model's `provider/model` id.
 */
import type { Caps, CompletionModelRecord } from '../../core/caps/model';
import type { UpstreamTarget } from '../upstream/upstream-client';

function providerOf(model: CompletionModelRecord): string {
  const slash = model.id.indexOf('/');
  return slash > 0 ? model.id.slice(0, slash) : model.id || model.name;
}

export function completionTarget(model: CompletionModelRecord): UpstreamTarget {
  return { provider: providerOf(model), url: model.endpoint, apiKey: model.api_key };
}

/**
 * The chat model of the same id when caps list one (a BYOK provider lists its models in both),
 * else the completion endpoint's `/completions` turned into `/chat/completions`.
 */
export function chatTarget(caps: Caps, model: CompletionModelRecord): UpstreamTarget {
  const chat = caps.chat_models.get(model.id);
  if (chat) return { provider: providerOf(model), url: chat.endpoint, apiKey: chat.api_key };
  const url = /\/chat\/completions$/.test(model.endpoint) ? model.endpoint : model.endpoint.replace(/\/completions$/, '/chat/completions');
  return { provider: providerOf(model), url, apiKey: model.api_key };
}
