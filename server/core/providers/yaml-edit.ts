/**
 * Edits to providers.d files made through the settings routes. They go through the `yaml`
 * Document API, so the user's comments, key order and fields we do not know survive; only the
 * values the request changes are touched.
 */
import { isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { ModelType, ProviderDTO } from '../../../src/protocol/http';
import { knownModels } from '../caps/known-models';
import { fail, ok, type Outcome } from '../outcome';
import type { PostedModel } from './dto';
import type { Provider } from './provider';

const NEW_FILE_HEADER = ' Overrides for this provider. Fields left out keep their built-in defaults.';

function openDocument(text: string | null, path: string): Outcome<Document> {
  const doc = parseDocument(text ?? '');
  if (doc.errors.length > 0) return fail('Unprocessable', `${path} is not valid YAML, not changing it: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents)) return fail('Unprocessable', `${path} is not a YAML mapping, not changing it`);
  if (text === null || text.trim() === '') doc.commentBefore = NEW_FILE_HEADER;
  return ok(doc);
}

/** Sets a value, keeping the comment attached to the old value if there was one. */
function setValue(doc: Document, path: readonly string[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    node.value = value;
    return;
  }
  ensureMap(doc, path.slice(0, -1));
  doc.setIn(path, doc.createNode(value));
}

/** Makes every mapping on the way exist; an empty `chat_models:` (null) becomes `{}`. */
function ensureMap(doc: Document, path: readonly string[]): void {
  for (let i = 1; i <= path.length; i++) {
    const prefix = path.slice(0, i);
    if (!isMap(doc.getIn(prefix, true))) doc.setIn(prefix, doc.createNode({}));
  }
}

const PROVIDER_FIELDS = ['endpoint_style', 'api_key', 'tokenizer_api_key', 'chat_endpoint', 'completion_endpoint', 'embedding_endpoint'] as const;
const DEFAULT_FIELDS = ['chat_default_model', 'chat_light_model', 'chat_thinking_model'] as const;

/**
 * Writes a provider's settings, as Refact does: a field is written when the file already has
 * it or the new value differs from the template's, so the file stays a short list of changes.
 */
export function editProviderYaml(text: string | null, path: string, dto: Partial<ProviderDTO>, baseline: Provider): Outcome<string> {
  const opened = openDocument(text, path);
  if (!opened.ok) return opened;
  const doc = opened.value;
  const current = (field: string): unknown => (field in baseline.defaults ? baseline.defaults[field as keyof Provider['defaults']] : baseline[field as keyof Provider]);
  for (const field of [...PROVIDER_FIELDS, ...DEFAULT_FIELDS]) {
    const value = dto[field];
    if (value === undefined) continue;
    if (doc.has(field) || value !== current(field)) setValue(doc, [field], value);
  }
  if (dto.enabled !== undefined) setValue(doc, ['enabled'], dto.enabled);
  return ok(doc.toString());
}

export function editModelYaml(text: string | null, path: string, posted: PostedModel): Outcome<string> {
  const opened = openDocument(text, path);
  if (!opened.ok) return opened;
  const doc = opened.value;
  if (posted.type === 'chat') {
    const m = posted.model;
    const at = (key: string) => ['chat_models', m.name, key];
    for (const key of ['n_ctx', 'tokenizer', 'enabled', 'supports_tools', 'supports_multimodality', 'supports_clicks', 'supports_agent', 'supports_boost_reasoning', 'supports_reasoning', 'default_temperature'] as const) {
      setValue(doc, at(key), m[key]);
    }
  } else if (posted.type === 'completion') {
    const m = posted.model;
    const at = (key: string) => ['completion_models', m.name, key];
    // A family brings its prompt format and tokenizer, so the user only picks the family.
    const family = m.model_family ? knownModels().completion.get(m.model_family) : undefined;
    if (family) {
      setValue(doc, at('model_family'), m.model_family);
      setValue(doc, at('scratchpad'), family.scratchpad);
      setValue(doc, at('scratchpad_patch'), family.scratchpad_patch);
      setValue(doc, at('tokenizer'), family.tokenizer);
    }
    setValue(doc, at('n_ctx'), m.n_ctx);
    setValue(doc, at('enabled'), m.enabled);
  } else {
    const m = posted.model;
    for (const key of ['n_ctx', 'name', 'tokenizer', 'enabled', 'embedding_size', 'rejection_threshold', 'embedding_batch'] as const) {
      setValue(doc, ['embedding_model', key], m[key]);
    }
  }
  return ok(doc.toString());
}

export function removeModelYaml(text: string | null, path: string, type: ModelType, name: string | undefined, provider: string): Outcome<string> {
  const opened = openDocument(text, path);
  if (!opened.ok) return opened;
  const doc = opened.value;
  const key = type === 'chat' ? 'chat_models' : type === 'completion' ? 'completion_models' : 'embedding_model';
  const target = type === 'embedding' ? [key] : [key, name ?? ''];
  if (type !== 'embedding' && !name) return fail('BadRequest', 'missing `model` query parameter');
  if (!doc.hasIn(target)) {
    const what = type === 'embedding' ? 'embedding model' : `${type} model ${name}`;
    return fail('NotFound', `${what} not found in ${provider}'s providers.d file`);
  }
  doc.deleteIn(target);
  return ok(doc.toString());
}
