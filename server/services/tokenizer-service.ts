/**
 * Token counts with each model's own tokenizer. Per model it decides the tokenizer (see
 * `core/tokens/tokenizer-spec.ts`), fetches a file named by `hf://` or URL once into
 * `<cacheDir>/tokenizers/`, checks that it loads, and remembers the outcome; counting runs in
 * the worker pool. A file is a Hugging Face `tokenizer.json`, or a tiktoken rank file
 * (`cl100k_base.tiktoken`, a Llama-3-style `tokenizer.model`), told apart by its content. A model with no tokenizer, or one that cannot be had, is counted by the
 * 3.5-characters estimate and the result says so: callers size budgets either way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Caps } from '../core/caps/model';
import { DEFAULT_HF_TOKENIZER_TEMPLATE } from '../core/caps/model';
import { capsModelTokenizer } from '../core/tokens/caps-tokenizer';
import { describeSpec, estimateTokens, tokenizerSpec, type ModelTokenizerField, type TiktokenEncoding, type TokenizerSpec } from '../core/tokens/tokenizer-spec';
import { looksLikeRanks } from '../core/tokens/rank-file';
import type { CountInput, CountOutput, TokenizerFile } from '../workers/count';

type CountModule = typeof import('../workers/count');
import type { HttpGet } from './http-get';
import type { Logger } from './logger';
import type { RunOptions, WorkerPool } from './worker-pool';

export interface TokenCounts {
  counts: number[];
  /** False when the counts are the estimate. */
  exact: boolean;
  /** `tiktoken:o200k_base`, `hf://org/repo`, a path or URL, or `estimate`. */
  tokenizer: string;
  /** Why the counts are estimated; absent when they are exact. */
  reason?: string;
}

export interface TokenCount extends Omit<TokenCounts, 'counts'> {
  count: number;
}

export type TokenizerResolution =
  | { exact: true; tokenizer: string; count: { kind: 'tiktoken'; encoding: TiktokenEncoding } | { kind: 'hf' | 'ranks'; file: TokenizerFile } }
  | { exact: false; tokenizer: 'estimate'; reason: string };

/** Where model records come from; the caps service in the engine. */
export interface CapsSource {
  getCaps(): Promise<{ ok: true; caps: Caps } | { ok: false; detail: string }>;
}

export interface TokenizerServiceOptions {
  pool: WorkerPool;
  /** `tokenizer.json` downloads go to `<cacheDir>/tokenizers/<name>/tokenizer.json`. */
  cacheDir: string;
  caps: CapsSource;
  fetch: HttpGet;
  /** Overrides the caps' `hf_tokenizer_template` (`…/$HF_MODEL/resolve/main/tokenizer.json`). */
  hfTemplate?: string;
  logger?: Logger;
  downloadTimeoutMs?: number;
  /** A tokenizer that could not be had is tried again after this long. */
  retryMs?: number;
  /**
   * The count task module (`<workersDir>/count.js`) to count in this thread instead of the pool:
   * about 1 ms less per call (the pool's round trip, which a prompt pays a few times per
   * keystroke), at the price of loading the tokenizer here once (1 to 2 s of blocking for a
   * large tokenizer.json). Probing a new tokenizer stays in the pool.
   */
  countInThread?: string;
  now?: () => number;
}

interface Cached {
  resolution: Promise<TokenizerResolution>;
  at: number;
}

export class TokenizerService {
  private readonly resolved = new Map<string, Cached>();
  private local: Promise<CountModule> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: TokenizerServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  async count(model: string, text: string, options: RunOptions = {}): Promise<TokenCount> {
    const { counts, ...rest } = await this.countMany(model, [text], options);
    return { count: counts[0]!, ...rest };
  }

  async countMany(model: string, texts: string[], options: RunOptions = {}): Promise<TokenCounts> {
    const resolution = await this.resolve(model);
    if (!resolution.exact) return estimate(texts, resolution.reason);
    const how = resolution.count;
    if (this.options.countInThread) {
      try {
        const task = await (this.local ??= import(this.options.countInThread) as Promise<CountModule>);
        const out = how.kind === 'tiktoken' ? await task.count({ encoding: how.encoding, texts }) : how.kind === 'hf' ? task.countWithTokenizer({ ...how.file, texts }) : await task.countWithRanks({ ...how.file, texts });
        return { counts: out.counts, exact: true, tokenizer: resolution.tokenizer };
      } catch (error) {
        return estimate(texts, `counting with ${resolution.tokenizer} failed: ${(error as Error).message}`);
      }
    }
    const outcome = how.kind === 'tiktoken'
      ? await this.options.pool.run<CountInput, CountOutput>('count', 'count', { encoding: how.encoding, texts }, options)
      : await this.options.pool.run<TokenizerFile & { texts: string[] }, CountOutput>('count', how.kind === 'hf' ? 'countWithTokenizer' : 'countWithRanks', { ...how.file, texts }, options);
    // A task that fails now (pool closed, timeout) says nothing about the tokenizer: estimate
    // this once, keep the tokenizer.
    if (!outcome.ok) return estimate(texts, `counting with ${resolution.tokenizer} failed (${outcome.reason}): ${outcome.message}`);
    return { counts: outcome.value.counts, exact: true, tokenizer: resolution.tokenizer };
  }

  /** The tokenizer a model counts with, loading it on first use; cached per model. */
  async resolve(model: string): Promise<TokenizerResolution> {
    const field = await this.fieldFor(model);
    if ('reason' in field) return { exact: false, tokenizer: 'estimate', reason: field.reason };
    const key = `${model}\0${field.tokenizer}\0${field.hfTemplate}`;
    const cached = this.resolved.get(key);
    if (cached) {
      const value = await cached.resolution;
      if (value.exact || this.now() - cached.at < (this.options.retryMs ?? 60_000)) return value;
    }
    const resolution = this.load(tokenizerSpec(field, field.hfTemplate));
    this.resolved.set(key, { resolution, at: this.now() });
    return resolution;
  }

  /** Drops what is remembered about one model's tokenizer, or about all. Files on disk stay. */
  forget(model?: string): void {
    for (const key of [...this.resolved.keys()]) if (model === undefined || key.startsWith(`${model}\0`)) this.resolved.delete(key);
  }

  private async fieldFor(model: string): Promise<(ModelTokenizerField & { hfTemplate: string }) | { reason: string }> {
    const caps = await this.options.caps.getCaps();
    const template = this.options.hfTemplate ?? (caps.ok ? caps.caps.hf_tokenizer_template : DEFAULT_HF_TOKENIZER_TEMPLATE);
    const found = caps.ok ? capsModelTokenizer(caps.caps, model) : null;
    if (found) return { ...found, hfTemplate: template };
    // Not in the caps: an OpenAI-family name still has its encoding; anything else is unknown.
    const bare = { name: model, tokenizer: '', apiKey: '', hfTemplate: template };
    if (tokenizerSpec(bare, template).kind === 'tiktoken') return bare;
    return { reason: caps.ok ? `model '${model}' is not in the caps` : `model '${model}' is unknown, caps are unavailable: ${caps.detail}` };
  }

  private async load(spec: TokenizerSpec): Promise<TokenizerResolution> {
    const label = describeSpec(spec);
    if (spec.kind === 'estimate') return { exact: false, tokenizer: 'estimate', reason: spec.reason };
    if (spec.kind === 'tiktoken') return { exact: true, tokenizer: label, count: { kind: 'tiktoken', encoding: spec.encoding } };
    const file = spec.kind === 'file' ? { ok: true as const, path: resolve(spec.path.replace(/^~(?=\/|$)/, homedir())) } : await this.download(spec);
    if (!file.ok) return this.failed(label, file.error);
    let hash: string;
    let kind: 'hf' | 'ranks';
    try {
      const bytes = await readFile(file.path);
      hash = createHash('sha256').update(bytes).digest('hex');
      kind = bytes.subarray(0, 64).toString('utf8').trimStart().startsWith('{') ? 'hf' : 'ranks';
    } catch (error) {
      return this.failed(label, `cannot read ${file.path}: ${(error as Error).message}`);
    }
    const input: TokenizerFile = { file: file.path, hash };
    const probe = await this.options.pool.run<TokenizerFile, { vocabSize: number }>('count', kind === 'hf' ? 'probeTokenizer' : 'probeRanks', input);
    if (!probe.ok) {
      // A downloaded file that does not load is dropped, so a retry fetches it again.
      if (spec.kind === 'download') await rm(file.path, { force: true });
      return this.failed(label, `${file.path} does not load as a ${kind === 'hf' ? 'tokenizer.json' : 'tiktoken rank file'}: ${probe.message}`);
    }
    this.options.logger?.info(`tokenizer ${label}: ${probe.value.vocabSize} tokens (${kind === 'hf' ? 'tokenizer.json' : 'tiktoken ranks'}), from ${file.path}`);
    return { exact: true, tokenizer: label, count: { kind, file: input } };
  }

  private failed(label: string, error: string): TokenizerResolution {
    this.options.logger?.warn(`tokenizer ${label}: ${error}; counting by the estimate`);
    return { exact: false, tokenizer: 'estimate', reason: `tokenizer ${label}: ${error}` };
  }

  /** The cached file, or a fresh download checked to be a tokenizer.json (a JSON object with a `model`) or tiktoken ranks. */
  private async download(spec: Extract<TokenizerSpec, { kind: 'download' }>): Promise<{ ok: true; path: string } | { ok: false; error: string }> {
    const dir = join(this.options.cacheDir, 'tokenizers', spec.cacheName);
    for (const name of ['tokenizer.json', 'tokenizer.tiktoken']) if (existsSync(join(dir, name))) return { ok: true, path: join(dir, name) };
    const headers: Record<string, string> = spec.apiKey ? { Authorization: `Bearer ${spec.apiKey}` } : {};
    let body: string;
    try {
      const response = await this.options.fetch(spec.url, { headers, signal: AbortSignal.timeout(this.options.downloadTimeoutMs ?? 120_000) });
      if (response.status !== 200) return { ok: false, error: `${spec.url}: HTTP ${response.status}` };
      body = await response.text();
    } catch (error) {
      return { ok: false, error: `${spec.url}: ${(error as Error).message}` };
    }
    const ranks = !looksLikeTokenizer(body) && looksLikeRanks(body);
    if (!ranks && !looksLikeTokenizer(body)) return { ok: false, error: `${spec.url} did not answer with a tokenizer.json or a tiktoken rank file` };
    const path = join(dir, ranks ? 'tokenizer.tiktoken' : 'tokenizer.json');
    // Written aside then renamed, so a kill mid-write never leaves a half file to be trusted.
    const part = `${path}.${randomBytes(4).toString('hex')}.part`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(part, body);
      await rename(part, path);
    } catch (error) {
      await rm(part, { force: true });
      return { ok: false, error: `cannot write ${path}: ${(error as Error).message}` };
    }
    return { ok: true, path };
  }
}

function looksLikeTokenizer(body: string): boolean {
  try {
    const json = JSON.parse(body) as unknown;
    return typeof json === 'object' && json !== null && typeof (json as { model?: unknown }).model === 'object';
  } catch {
    return false;
  }
}

function estimate(texts: string[], reason: string): TokenCounts {
  return { counts: texts.map(estimateTokens), exact: false, tokenizer: 'estimate', reason };
}
