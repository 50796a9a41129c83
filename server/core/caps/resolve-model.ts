/**
 * Finding the model a request names, with Refact's rules: an empty name means the caps default,
 * a fine-tune `base:lora` falls back to its base, and for completion a bare name may mean the
 * Refact cloud's or the self-hosted server's model of that name.
 */
import { fail, ok, type Outcome } from '../outcome';
import { stripFinetune, type Caps, type ChatModelRecord, type CompletionModelRecord } from './model';

function lookup<M>(models: Map<string, M>, id: string): M | undefined {
  return models.get(id) ?? models.get(stripFinetune(id));
}

function notFound(id: string, models: Map<string, unknown>): Outcome<never> {
  const known = [...models.keys()];
  return fail('Unprocessable', `model '${id}' not found; caps have ${known.length ? known.join(', ') : 'no models of this kind'}`);
}

export function resolveChatModel(caps: Caps, requested: string): Outcome<ChatModelRecord> {
  const id = requested || caps.defaults.chat_default_model;
  const model = lookup(caps.chat_models, id);
  return model ? ok(model) : notFound(id, caps.chat_models);
}

export function resolveCompletionModel(caps: Caps, requested: string, tryRefactFallbacks = true): Outcome<CompletionModelRecord> {
  const id = requested || caps.defaults.completion_default_model;
  const candidates = tryRefactFallbacks ? [id, `refact/${id}`, `refact_self_hosted/${id}`] : [id];
  for (const candidate of candidates) {
    const model = lookup(caps.completion_models, candidate);
    if (model) return ok(model);
  }
  return notFound(id, caps.completion_models);
}
