/**
 * Which embedder the caps' embedding model names, decided from its endpoint:
 * - a local ONNX file (`file:///…/model.onnx` or an absolute path ending in `.onnx`), run in
 *   the worker pool; its tokenizer is the model's `tokenizer` field when that is a local path,
 *   else the `tokenizer.json` beside the model;
 * - an ONNX file by URL (`https://…/model.onnx#sha256=<hex>`), fetched once into the cache with
 *   its checksum, then as above (the tokenizer URL comes from `tokenizer`, or beside the model);
 * - anything else: an OpenAI-style `/v1/embeddings` endpoint (the companion server, OpenAI,
 *   Ollama), called with batches of `embedding_batch` texts.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddingModelRecord } from '../caps/model';

export interface SourceCommon {
  /** The cache key for vectors: the model name and where it runs. */
  key: string;
  name: string;
  /** Tokens per chunk: Refact's n_ctx / 2. */
  windowTokens: number;
  maxTokens: number;
  dims: number;
  batch: number;
  rejectionThreshold: number;
}

export type EmbeddingSource =
  | (SourceCommon & { kind: 'local'; model: string; tokenizer: string })
  | (SourceCommon & { kind: 'download'; url: string; sha256: string; tokenizerUrl: string; tokenizerSha256: string })
  | (SourceCommon & { kind: 'remote'; endpoint: string; apiKey: string });

export type SourceChoice = { ok: true; source: EmbeddingSource } | { ok: false; why: string };

export const NO_MODEL = 'no embedding model configured: search uses lexical and symbol matches only';
const DEFAULT_WINDOW = 256;

function localPath(value: string): string | null {
  if (value.startsWith('file://')) return fileURLToPath(value);
  return isAbsolute(value) ? value : null;
}

function splitChecksum(url: string): { url: string; sha256: string } {
  const at = url.indexOf('#');
  if (at < 0) return { url, sha256: '' };
  const match = /sha256=([0-9a-fA-F]{64})/.exec(url.slice(at + 1));
  return { url: url.slice(0, at), sha256: match ? match[1]!.toLowerCase() : '' };
}

export function chooseSource(model: EmbeddingModelRecord | null): SourceChoice {
  if (!model || !model.name) return { ok: false, why: NO_MODEL };
  if (!model.endpoint) return { ok: false, why: `embedding model '${model.name}' has no endpoint` };
  const nCtx = model.n_ctx > 0 ? model.n_ctx : DEFAULT_WINDOW * 2;
  const common = {
    name: model.name,
    windowTokens: Math.max(32, Math.floor(nCtx / 2)),
    maxTokens: nCtx,
    dims: model.embedding_size,
    batch: Math.max(1, model.embedding_batch || 64),
    rejectionThreshold: model.rejection_threshold,
  };
  const endpoint = model.endpoint.trim();
  const path = localPath(endpoint);
  if (path) {
    if (!path.endsWith('.onnx')) return { ok: false, why: `embedding endpoint ${endpoint} is a local path but not an .onnx file` };
    const tokenizer = (model.tokenizer && localPath(model.tokenizer)) || join(dirname(path), 'tokenizer.json');
    return { ok: true, source: { ...common, kind: 'local', key: `${model.name}@local`, model: path, tokenizer } };
  }
  const { url, sha256 } = splitChecksum(endpoint);
  if (/^https?:\/\//.test(url) && url.endsWith('.onnx')) {
    if (!sha256) return { ok: false, why: `embedding model URL ${url} needs a '#sha256=<hex>' checksum` };
    const tok = model.tokenizer && /^https?:\/\//.test(model.tokenizer) ? splitChecksum(model.tokenizer) : { url: url.replace(/[^/]*$/, 'tokenizer.json'), sha256: '' };
    return { ok: true, source: { ...common, kind: 'download', key: `${model.name}@${sha256.slice(0, 16)}`, url, sha256, tokenizerUrl: tok.url, tokenizerSha256: tok.sha256 } };
  }
  if (!/^https?:\/\//.test(endpoint)) return { ok: false, why: `embedding endpoint '${endpoint}' is neither an http(s) URL nor an .onnx file` };
  return { ok: true, source: { ...common, kind: 'remote', key: `${model.name}@${endpoint}`, endpoint, apiKey: model.api_key } };
}
