/**
 * Embedders: a local ONNX model run by the `embed` task in the worker pool, or an OpenAI-style
 * `/v1/embeddings` endpoint. Both answer with outcomes, never exceptions: an endpoint that is
 * down, slow or answers garbage is an error value the vectorizer backs off on. The remote one
 * spaces its requests (`minIntervalMs`) so that indexing a large workspace does not hammer a
 * shared server.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingSource } from '../core/retrieval/embedding-source';
import type { EmbedInput, EmbedOutput, LocalModel } from '../workers/embed';
import { UpstreamError, type UpstreamClient } from './upstream/upstream-client';
import type { WorkerPool } from './worker-pool';

export type EmbedOutcome = { ok: true; vectors: Float32Array[] } | { ok: false; error: string };

export interface Embedder {
  /** Cache key of the vectors it makes. */
  readonly key: string;
  /** The `tokenizer.json` chunks are sized with, or null for the estimate. */
  readonly tokenizer: string | null;
  embed(texts: string[], signal?: AbortSignal): Promise<EmbedOutcome>;
}

export class LocalEmbedder implements Embedder {
  readonly tokenizer: string;

  constructor(
    private readonly pool: WorkerPool,
    private readonly model: LocalModel,
    readonly key: string,
    private readonly dims: number,
  ) {
    this.tokenizer = model.tokenizer;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<EmbedOutcome> {
    if (!existsSync(this.model.model)) return { ok: false, error: `model file ${this.model.model} does not exist` };
    if (!existsSync(this.model.tokenizer)) return { ok: false, error: `tokenizer file ${this.model.tokenizer} does not exist` };
    const outcome = await this.pool.run<EmbedInput, EmbedOutput>('embed', 'embed', { model: this.model, texts }, { signal, timeoutMs: 120_000 });
    if (!outcome.ok) return { ok: false, error: `embed task ${outcome.reason}: ${outcome.message}` };
    const { dims, vectors } = outcome.value;
    if (this.dims > 0 && dims !== this.dims) return { ok: false, error: `the model gives ${dims} dimensions, caps say ${this.dims}` };
    return { ok: true, vectors: texts.map((_, i) => vectors.slice(i * dims, (i + 1) * dims)) };
  }
}

export interface RemoteOptions {
  /** The engine's one upstream client: timeouts, cancellation and error wording are its. */
  client: UpstreamClient;
  endpoint: string;
  apiKey: string;
  model: string;
  dims: number;
  key: string;
  minIntervalMs?: number;
  timeoutMs?: number;
}

export class RemoteEmbedder implements Embedder {
  readonly tokenizer = null;
  readonly key: string;
  private nextAt = 0;

  constructor(private readonly options: RemoteOptions) {
    this.key = options.key;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<EmbedOutcome> {
    const wait = this.nextAt - Date.now();
    this.nextAt = Math.max(Date.now(), this.nextAt) + (this.options.minIntervalMs ?? 100);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { client, endpoint, apiKey, model } = this.options;
    let body: unknown;
    try {
      body = await client.postJson({ provider: model, url: endpoint, apiKey }, { input: texts, model }, { ...(signal ? { signal } : {}), timeoutMs: this.options.timeoutMs ?? 30_000 });
    } catch (error) {
      if (error instanceof UpstreamError) return { ok: false, error: error.message };
      throw error;
    }
    return checkEmbeddings(body, texts.length, this.options.dims);
  }
}

/** Checks an OpenAI-style answer: one finite vector per input, all of one size. */
export function checkEmbeddings(body: unknown, expected: number, dims: number): EmbedOutcome {
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length !== expected) return { ok: false, error: `the embedding endpoint answered ${Array.isArray(data) ? data.length : 'no'} vectors for ${expected} texts` };
  const vectors: Float32Array[] = new Array(expected);
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as { embedding?: unknown; index?: unknown };
    const at = typeof item?.index === 'number' ? item.index : i;
    const e = item?.embedding;
    if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) return { ok: false, error: `the embedding endpoint answered a malformed vector at ${i}` };
    if (dims > 0 && e.length !== dims) return { ok: false, error: `the embedding endpoint answered ${e.length} dimensions, caps say ${dims}` };
    if (at < 0 || at >= expected || vectors[at]) return { ok: false, error: `the embedding endpoint answered a bad index ${String(item.index)}` };
    vectors[at] = normalized(Float32Array.from(e as number[]));
  }
  const size = vectors[0]!.length;
  if (vectors.some((v) => v.length !== size)) return { ok: false, error: 'the embedding endpoint answered vectors of different sizes' };
  return { ok: true, vectors };
}

function normalized(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

export interface DownloadProgress {
  url: string;
  received: number;
  total: number;
}

/**
 * Fetches a file into `dir` once, named by its checksum, through a `.part` file; a checksum
 * that does not match fails and leaves nothing behind. With no checksum the file is fetched
 * again each time the engine starts (only tokenizers, which are small).
 */
export async function downloadOnce(url: string, sha256: string, dir: string, name: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<{ ok: true; path: string } | { ok: false; error: string }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, sha256 ? `${sha256.slice(0, 16)}-${name}` : `${createHash('sha1').update(url).digest('hex').slice(0, 16)}-${name}`);
  if (sha256 && existsSync(path)) return { ok: true, path };
  const part = `${path}.part`;
  try {
    const response = await fetch(url, { signal });
    if (response.status !== 200 || !response.body) return { ok: false, error: `${url}: HTTP ${response.status}` };
    const total = Number(response.headers.get('content-length') ?? 0);
    const hash = createHash('sha256');
    const out = createWriteStream(part);
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      onProgress({ url, received, total });
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const actual = hash.digest('hex');
    if (sha256 && actual !== sha256) {
      rmSync(part, { force: true });
      return { ok: false, error: `${url}: checksum ${actual} is not the expected ${sha256}` };
    }
    renameSync(part, path);
    return { ok: true, path };
  } catch (error) {
    rmSync(part, { force: true });
    return { ok: false, error: `${url}: ${(error as Error).message}` };
  }
}

/** The embedder for a source; a `download` source is fetched into `modelsDir` first. */
export async function createEmbedder(source: EmbeddingSource, pool: WorkerPool, client: UpstreamClient, modelsDir: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<{ ok: true; embedder: Embedder } | { ok: false; error: string }> {
  if (source.kind === 'remote') {
    return { ok: true, embedder: new RemoteEmbedder({ client, endpoint: source.endpoint, apiKey: source.apiKey, model: source.name, dims: source.dims, key: source.key }) };
  }
  if (source.kind === 'local') return { ok: true, embedder: new LocalEmbedder(pool, { model: source.model, tokenizer: source.tokenizer, maxTokens: source.maxTokens }, source.key, source.dims) };
  const model = await downloadOnce(source.url, source.sha256, modelsDir, 'model.onnx', onProgress, signal);
  if (!model.ok) return model;
  const tokenizer = await downloadOnce(source.tokenizerUrl, source.tokenizerSha256, modelsDir, 'tokenizer.json', onProgress, signal);
  if (!tokenizer.ok) return tokenizer;
  return { ok: true, embedder: new LocalEmbedder(pool, { model: model.path, tokenizer: tokenizer.path, maxTokens: source.maxTokens }, source.key, source.dims) };
}
