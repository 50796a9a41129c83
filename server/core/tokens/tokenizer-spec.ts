/**
 * Which tokenizer counts a model's tokens, decided from its name and its `tokenizer` field (as
 * Refact's caps and providers.d write it), with no IO. OpenAI-family models count with their
 * tiktoken encoding, which needs no download; other models name a tokenizer file by path,
 * `hf://org/repo`, or URL (a caps server's `tokenizer_endpoints` arrive here already resolved to
 * URLs): a Hugging Face `tokenizer.json`, or a tiktoken rank file (`cl100k_base.tiktoken`, a
 * Llama-3-style `tokenizer.model`), told apart by content when it is loaded. A model with none, or with Refact's `fake` tokenizer, gets the estimate.
 */
import { createHash } from 'node:crypto';
import { estimateTokens } from '../retrieval/chunk';

export type TiktokenEncoding = 'cl100k_base' | 'o200k_base';

const ENCODINGS: readonly TiktokenEncoding[] = ['cl100k_base', 'o200k_base'];

export type TokenizerSpec =
  | { kind: 'tiktoken'; encoding: TiktokenEncoding }
  | { kind: 'file'; path: string }
  /** Fetched once into `<cacheDir>/tokenizers/<cacheName>/tokenizer.json`, then read from there. */
  | { kind: 'download'; url: string; cacheName: string; apiKey: string; source: string }
  | { kind: 'estimate'; reason: string };

/** What the spec is decided from: a caps model record's fields, or just a name. */
export interface ModelTokenizerField {
  name: string;
  /** `''`, `fake…`, an encoding name, `hf://org/repo`, an http(s) URL, `file://…` or a path. */
  tokenizer: string;
  /** Sent as a bearer token with downloads (Hugging Face token, or the caps server's key). */
  apiKey: string;
}

/**
 * Refact's "fake" tokenizer: one token per 3.5 characters, rounded up. Code averages about
 * 3 to 4 characters per BPE token, so budgets built on it are roughly right but not safe to fill
 * to the last token.
 */
export const ESTIMATE_CHARS_PER_TOKEN = 3.5;
export { estimateTokens };

// gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4 and their dated or sized variants use o200k;
// gpt-4, gpt-3.5 and OpenAI's embeddings use cl100k. The o200k names are checked first since
// `gpt-4o` also starts with `gpt-4`.
const O200K = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4)(-|$)/;
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)(-|$)/;

/** The tiktoken encoding of an OpenAI-family model name (`openai/gpt-4o:lora` counts too), else null. */
export function tiktokenForModel(model: string): TiktokenEncoding | null {
  const bare = (model.split('/').pop() ?? model).split(':')[0]!.toLowerCase();
  if (O200K.test(bare)) return 'o200k_base';
  if (CL100K.test(bare)) return 'cl100k_base';
  return null;
}

/** A folder name safe on every file system: `org/repo` → `org--repo`; nothing starts with a dot. */
export function safeCacheName(text: string): string {
  const safe = text.replace(/\//g, '--').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_');
  return safe.slice(0, 120) || '_';
}

export function tokenizerSpec(model: ModelTokenizerField, hfTemplate: string): TokenizerSpec {
  const field = model.tokenizer.trim();
  const named = field.replace(/^tiktoken:/, '');
  if ((ENCODINGS as readonly string[]).includes(named)) return { kind: 'tiktoken', encoding: named as TiktokenEncoding };
  // An OpenAI model's own tokenizer is the tiktoken encoding, whatever `hf://Xenova/gpt-4o`-like
  // copy its record names; counting with it needs no download.
  const encoding = tiktokenForModel(model.name);
  if (encoding) return { kind: 'tiktoken', encoding };
  if (!field) return { kind: 'estimate', reason: `model '${model.name}' has no tokenizer configured` };
  if (/^fake/i.test(field)) return { kind: 'estimate', reason: `model '${model.name}' is configured with the '${field}' tokenizer` };
  if (field.startsWith('hf://')) {
    const repo = field.slice('hf://'.length).replace(/^\/+|\/+$/g, '');
    if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) return { kind: 'estimate', reason: `tokenizer '${field}' is not hf://org/repo` };
    return { kind: 'download', url: hfTemplate.replace('$HF_MODEL', repo), cacheName: safeCacheName(repo), apiKey: model.apiKey, source: field };
  }
  if (/^https?:\/\//i.test(field)) {
    let url: URL;
    try {
      url = new URL(field);
    } catch {
      return { kind: 'estimate', reason: `tokenizer URL '${field}' is not a valid URL` };
    }
    // Host and path keep the folder readable; the hash keeps two URLs that read alike apart.
    const hash = createHash('sha1').update(field).digest('hex').slice(0, 10);
    return { kind: 'download', url: field, cacheName: `${safeCacheName(`${url.host}${url.pathname}`)}-${hash}`, apiKey: model.apiKey, source: field };
  }
  if (field.startsWith('file://')) {
    try {
      return { kind: 'file', path: decodeURIComponent(new URL(field).pathname) };
    } catch {
      return { kind: 'estimate', reason: `tokenizer '${field}' is not a valid file URL` };
    }
  }
  return { kind: 'file', path: field };
}

/** A short label for logs and results: `tiktoken:o200k_base`, `hf://org/repo`, a path, `estimate`. */
export function describeSpec(spec: TokenizerSpec): string {
  if (spec.kind === 'tiktoken') return `tiktoken:${spec.encoding}`;
  if (spec.kind === 'file') return spec.path;
  if (spec.kind === 'download') return spec.source;
  return 'estimate';
}
