/**
 * Owns the engine's caps: fetches the caps server's document in the background (retrying with
 * capped exponential backoff while it is down), keeps the last good one, watches providers.d
 * for changes, and merges both on demand. An empty Address URL is valid: caps then come from
 * providers.d alone.
 */
import type { YamlError } from '../../src/protocol/http';
import { buildCaps, type BuiltCaps } from '../core/caps/build-caps';
import type { Caps } from '../core/caps/model';
import { parseCapsDocument } from '../core/caps/parse-caps';
import type { CapsParse, ServerCaps } from '../core/caps/server-caps';
import { capsUrls } from '../core/caps/urls';
import { loadProviderFiles } from '../core/providers/load';
import type { Provider } from '../core/providers/provider';
import type { HttpGet } from './http-get';
import type { Logger } from './logger';
import type { ProviderFiles } from './providers-store';

export interface ProvidersSource {
  stamp(): Promise<string>;
  readAll(): Promise<ProviderFiles>;
}

/** Timers as a dependency, so tests can see and fire the backoff without waiting. */
export interface Timers {
  /** Runs `fn` after `ms`; the result cancels it. */
  set(fn: () => void, ms: number): () => void;
}

export const realTimers: Timers = {
  set(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface CapsServiceOptions {
  addressUrl: string;
  apiKey: string;
  experimental: boolean;
  userAgent: string;
  providers: ProvidersSource;
  fetch: HttpGet;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  timers?: Timers;
  now?: () => number;
  backoff?: { firstMs: number; maxMs: number };
  /** Refetch good caps this often, as Refact's one-hour cache does. */
  refreshMs?: number;
  fetchTimeoutMs?: number;
  /** How long a providers.d check stays valid; edits through the API invalidate at once. */
  providersCheckMs?: number;
}

export type CapsResult = { ok: true; caps: Caps } | { ok: false; detail: string };

export interface ProvidersSnapshot {
  providers: Provider[];
  errorLog: YamlError[];
}

interface Snapshot extends ProvidersSnapshot {
  stamp: string;
  generation: number;
}

export class CapsService {
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly urls: { ok: true; urls: string[] } | { ok: false; error: string } | null;
  private lastGood: ServerCaps | null = null;
  private lastError = '';
  private attempts = 0;
  private nextTryAt = 0;
  private loading: Promise<void> | null = null;
  private cancelTimer: (() => void) | null = null;
  private readonly abort = new AbortController();
  private snapshot: Snapshot | null = null;
  private snapshotLoading: Promise<Snapshot> | null = null;
  private generation = 0;
  private checkedAt = 0;
  private built: { server: ServerCaps | null; snapshot: Snapshot; result: BuiltCaps } | null = null;

  constructor(private readonly options: CapsServiceOptions) {
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? Date.now;
    this.urls = options.addressUrl ? capsUrls(options.addressUrl) : null;
  }

  /** Starts the first fetch and returns at once: the engine does not wait on the network. */
  start(): void {
    if (this.urls?.ok) void this.load();
    else if (this.urls) this.options.logger.error(`caps: ${this.urls.error}`);
    else this.options.logger.info('caps: no address URL; models come from providers.d');
  }

  dispose(): void {
    this.abort.abort();
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** The merged caps, or why there are none. Waits for the first fetch if it is under way. */
  async getCaps(): Promise<CapsResult> {
    if (this.urls && !this.urls.ok) return { ok: false, detail: this.urls.error };
    if (this.urls && !this.lastGood) {
      if (this.loading) await this.loading;
      if (!this.lastGood) return { ok: false, detail: this.unavailableDetail() };
    }
    return { ok: true, caps: this.buildFor(await this.currentSnapshot()) };
  }

  /** The caps server's last good document; its provider is read-only. */
  serverCaps(): ServerCaps | null {
    return this.lastGood;
  }

  /** Call after writing providers.d, so the next access re-reads it whatever the mtimes say. */
  invalidateProviders(): void {
    this.generation++;
  }

  /** A response piggy-backed a `caps_version`; a newer one than ours means the server changed. */
  noteCapsVersion(version: number): void {
    if (this.lastGood && version > this.lastGood.info.caps_version && !this.loading) void this.load();
  }

  /** Refetches now, skipping any backoff; resolves when the attempt is over. */
  reload(): Promise<void> {
    return this.urls?.ok ? this.load() : Promise.resolve();
  }

  /** providers.d as currently on disk (re-read only when it changed). */
  providersSnapshot(): Promise<ProvidersSnapshot> {
    return this.currentSnapshot();
  }

  private async currentSnapshot(): Promise<Snapshot> {
    for (;;) {
      const current = this.snapshot;
      const checkMs = this.options.providersCheckMs ?? 1000;
      if (current && current.generation === this.generation && this.now() - this.checkedAt < checkMs) return current;
      this.snapshotLoading ??= this.readSnapshot(this.generation).finally(() => (this.snapshotLoading = null));
      const snapshot = await this.snapshotLoading;
      if (snapshot.generation === this.generation) return snapshot;
    }
  }

  private async readSnapshot(generation: number): Promise<Snapshot> {
    const stamp = await this.options.providers.stamp();
    this.checkedAt = this.now();
    if (this.snapshot && this.snapshot.stamp === stamp && this.snapshot.generation === generation) return this.snapshot;
    const files = await this.options.providers.readAll();
    const loaded = loadProviderFiles(files.files);
    const errorLog = [...files.errors, ...loaded.errorLog];
    for (const error of errorLog) this.options.logger.warn(`providers.d: ${error.path}:${error.error_line}: ${error.error_msg}`);
    this.snapshot = { stamp, generation, providers: loaded.providers, errorLog };
    return this.snapshot;
  }

  private buildFor(snapshot: Snapshot): Caps {
    if (this.built && this.built.server === this.lastGood && this.built.snapshot === snapshot) return this.built.result.caps;
    const { apiKey, env, experimental } = this.options;
    const result = buildCaps(this.lastGood, snapshot.providers, { apiKey, env, experimental });
    for (const warning of result.warnings) this.options.logger.warn(`caps: ${warning}`);
    this.built = { server: this.lastGood, snapshot, result };
    return result.caps;
  }

  private unavailableDetail(): string {
    const waitS = Math.max(0, Math.ceil((this.nextTryAt - this.now()) / 1000));
    const error = this.lastError || 'not fetched yet';
    return `caps from ${this.options.addressUrl} are not available: ${error}${this.cancelTimer ? `; next try in ${waitS} s` : ''}`;
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.loading = this.fetchOnce().then((result) => {
      this.loading = null;
      if (this.abort.signal.aborted) return;
      if (result.ok) this.succeeded(result.server);
      else this.failed(result.error);
    });
    return this.loading;
  }

  private succeeded(server: ServerCaps): void {
    const { logger, refreshMs = 3_600_000 } = this.options;
    const models = server.provider.chat_models.size + server.provider.completion_models.size;
    logger.info(`caps: loaded ${models} models from ${server.url} (caps_version ${server.info.caps_version})`);
    this.lastGood = server;
    this.lastError = '';
    this.attempts = 0;
    this.schedule(refreshMs);
  }

  private failed(error: string): void {
    const { firstMs, maxMs } = this.options.backoff ?? { firstMs: 1000, maxMs: 60_000 };
    this.attempts++;
    const delay = Math.min(maxMs, firstMs * 2 ** Math.min(this.attempts - 1, 30));
    this.lastError = error;
    this.options.logger.warn(`caps: ${error}; next try in ${delay} ms${this.lastGood ? ' (serving the last good caps)' : ''}`);
    this.schedule(delay);
  }

  private schedule(ms: number): void {
    this.nextTryAt = this.now() + ms;
    this.cancelTimer = this.timers.set(() => {
      this.cancelTimer = null;
      void this.load();
    }, ms);
  }

  /** One pass over the caps URLs: the first good document wins. */
  private async fetchOnce(): Promise<CapsParse> {
    const urls = this.urls?.ok ? this.urls.urls : [];
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const errors: string[] = [];
    for (const url of urls) {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.fetchTimeoutMs ?? 15_000)]);
      let status: number;
      let text: string;
      try {
        const response = await this.options.fetch(url, { headers, signal });
        status = response.status;
        text = await response.text();
      } catch (error) {
        // The fallback lives on the same host; if this one is unreachable, so is that.
        errors.push(`${url}: ${describeNetworkError(error)}`);
        break;
      }
      if (status !== 200) {
        errors.push(`${url}: HTTP ${status}${serverDetail(text)}`);
        continue;
      }
      const parsed = parseCapsDocument(text, url, this.options.apiKey);
      if (parsed.ok) return parsed;
      errors.push(`${url}: ${parsed.error}`);
    }
    return { ok: false, error: errors.join('; ') };
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as Error & { cause?: Error };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.message ?? e.message ?? String(error);
}

/** A server's own `{"detail": ...}` is the most useful thing to show. */
function serverDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    return typeof body.detail === 'string' ? `: ${body.detail}` : '';
  } catch {
    return '';
  }
}
