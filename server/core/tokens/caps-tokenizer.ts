/**
 * A model's tokenizer field as the caps say it. Any kind of model may be counted for (a chat
 * prompt, a completion context, an embedding chunk), so all three maps are looked in.
 */
import { stripFinetune, type AnyModelRecord, type Caps } from '../caps/model';
import type { ModelTokenizerField } from './tokenizer-spec';

function records(caps: Caps): AnyModelRecord[] {
  return [...caps.chat_models.values(), ...caps.completion_models.values(), ...(caps.embedding_model ? [caps.embedding_model] : [])];
}

/**
 * The record for `id` (`provider/model`, a fine-tune `model:lora`, or a bare name that one record
 * carries as its name or among its similar models), as the fields the tokenizer is chosen from.
 */
export function capsModelTokenizer(caps: Caps, id: string): ModelTokenizerField | null {
  const wanted = [id, stripFinetune(id)];
  const all = records(caps);
  const found =
    wanted.map((w) => caps.chat_models.get(w) ?? caps.completion_models.get(w) ?? (caps.embedding_model?.id === w ? caps.embedding_model : undefined)).find((m) => m) ??
    all.find((m) => wanted.includes(m.name) || wanted.includes(m.id)) ??
    all.find((m) => wanted.some((w) => m.similar_models.includes(w)));
  return found ? { name: found.name, tokenizer: found.tokenizer, apiKey: found.tokenizer_api_key } : null;
}
