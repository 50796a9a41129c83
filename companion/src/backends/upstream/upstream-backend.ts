import { pipeline, type Readable } from 'node:stream';
import type { ChatCompletionRequest, CompletionRequest, EmbeddingRequest, EmbeddingResponse } from '../../../../src/protocol/openai';
import { ApiError, isAbort } from '../../http/api-error';
import { rawJsonOf } from '../../http/raw-body';
import type { Metrics } from '../../metrics';
import type { ServerLog } from '../../server-log';
import type { BackendReply, BackendStats, ModelBackend, ModelInfo, RequestContext } from '../types';
import type { HttpClient, UpstreamResponse } from './http-client';
import { ReplicaSet, type Replica } from './replica-set';
import { JsonUsageTap, SseUsageTap } from './usage-taps';
import { inputChars, promptChars, UsageMeter } from './usage';

/** Characters of the prompt that decide affinity: enough to tell files and conversations apart. */
const AFFINITY_CHARS = 512;
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * The answer as the client gets it, shown to the meter on the way; the meter reports when
 * the answer closes, complete or not. A refused request spent nothing.
 */
function metered(meter: UsageMeter, res: UpstreamResponse, hideUsage: boolean): Readable {
  if (res.status >= 400) {
    meter.nothingSpent();
    return res.body;
  }
  const tap = res.contentType.startsWith('text/event-stream') ? new SseUsageTap(meter, hideUsage) : new JsonUsageTap(meter);
  tap.once('close', () => meter.report());
  // pipeline: a client that goes away destroys the tap, and with it the upstream's answer.
  pipeline(res.body, tap, () => {});
  return tap;
}

/**
 * An upstream's 4xx, passed on with its status and its own OpenAI-style message, type and code
 * (the client's request was wrong, not this server), as completions pass through untouched.
 */
function upstreamRefusal(status: number, text: string): ApiError {
  let error: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } = {};
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
  } catch {
    // Not JSON: the status alone says what happened.
  }
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
  const shape = { status, type: str(error.type, 'invalid_request_error'), code: str(error.code, 'upstream_refused') };
  return new ApiError(shape, `upstream refused: ${str(error.message, `HTTP ${status}`)}`, { param: typeof error.param === 'string' ? error.param : null });
}

function describe(err: unknown): string {
  if (err instanceof Error) return (err as Error & { code?: string }).code ? `${(err as Error & { code?: string }).code}: ${err.message}` : err.message;
  return String(err);
}

/**
 * One model served by OpenAI-compatible upstream replicas. A request goes to the replica
 * `ReplicaSet.order` puts first; a connection error or a 5xx before any byte reaches the
 * client marks that replica down and moves on to the next; when every replica failed, the
 * client gets 502 naming each failure. Upstream 4xx answers are the client's and pass through.
 * With `ctx.onUsage`, each request reports its tokens once (see `UsageMeter`); without it,
 * answers are piped untouched.
 */
export class UpstreamBackend implements ModelBackend {
  readonly replicas: ReplicaSet;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly info: ModelInfo,
    urls: string[],
    private readonly client: HttpClient,
    private readonly log: ServerLog,
    private readonly metrics: Metrics,
  ) {
    this.replicas = new ReplicaSet(urls);
  }

  /** Checks every replica now, then every `intervalMs`; a down replica comes back when it answers. */
  async startHealthChecks(intervalMs: number): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), intervalMs);
    this.timer.unref();
  }

  async checkAll(): Promise<void> {
    await Promise.all(
      this.replicas.replicas.map(async (r) => {
        try {
          const res = await this.client.json('GET', r.url, '/v1/models', null, AbortSignal.timeout(5000), 5000);
          if (res.status >= 200 && res.status < 300) {
            if (!r.healthy) this.log.info(`upstream ${r.url} (${this.info.name}) is back`);
            this.replicas.markUp(r);
          } else this.down(r, `health check answered ${res.status}`);
        } catch (err) {
          this.down(r, `health check failed: ${describe(err)}`);
        }
      }),
    );
  }

  private down(r: Replica, why: string): void {
    if (r.healthy) this.log.warn(`upstream ${r.url} (${this.info.name}) is down: ${why}`);
    this.replicas.markDown(r, why);
  }

  /**
   * Sends to replicas in routing order until one answers below 500. When none takes the
   * request, the meter hears of it: nothing spent, or the prompt's estimate if the caller
   * went away while an upstream may have been reading it.
   */
  private async dispatch(path: string, body: object, key: string, ctx: RequestContext, meter: UsageMeter | null): Promise<{ res: UpstreamResponse; replica: Replica }> {
    const payload = rawJsonOf(body) ?? JSON.stringify(body);
    const failures: string[] = [];
    for (const replica of this.replicas.order(key)) {
      replica.inFlight += 1;
      try {
        const res = await this.client.request('POST', replica.url, path, payload, ctx.signal, CONNECT_TIMEOUT_MS);
        if (res.status >= 500) {
          res.body.resume();
          throw new Error(`answered ${res.status}`);
        }
        return { res, replica };
      } catch (err) {
        replica.inFlight -= 1;
        if (ctx.signal.aborted || isAbort(err)) {
          meter?.report();
          throw err;
        }
        const why = describe(err);
        failures.push(`${replica.url}: ${why}`);
        this.down(replica, why);
        this.metrics.inc('refact_upstream_failures_total', 'Upstream requests that failed over.', { model: this.info.name, replica: replica.url });
      }
    }
    meter?.nothingSpent();
    throw new ApiError('upstream', `All upstreams for model "${this.info.name}" failed: ${failures.join('; ')}`);
  }

  private async proxy(path: string, req: CompletionRequest | ChatCompletionRequest, key: string, ctx: RequestContext): Promise<BackendReply> {
    const meter = ctx.onUsage ? new UsageMeter(ctx.onUsage, promptChars(req)) : null;
    // A stream carries usage only when asked to: the meter asks, and hides it from a client that did not.
    const hideUsage = meter !== null && req.stream === true && req.stream_options?.include_usage !== true;
    const body = hideUsage ? { ...req, stream_options: { ...req.stream_options, include_usage: true } } : req;
    const { res, replica } = await this.dispatch(path, body, key, ctx, meter);
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        replica.inFlight -= 1;
      }
    };
    res.body.once('close', release);
    const answer = meter ? metered(meter, res, hideUsage) : res.body;
    return { type: 'raw', status: res.status, contentType: res.contentType, body: answer, onEnd: release };
  }

  completion(req: CompletionRequest, ctx: RequestContext): Promise<BackendReply> {
    return this.proxy('/v1/completions', req, ctx.caller + '\0' + req.prompt.slice(0, AFFINITY_CHARS), ctx);
  }

  chat(req: ChatCompletionRequest, ctx: RequestContext): Promise<BackendReply> {
    const key = ctx.caller + '\0' + JSON.stringify(req.messages.slice(0, 2)).slice(0, AFFINITY_CHARS);
    return this.proxy('/v1/chat/completions', req, key, ctx);
  }

  async embeddings(req: EmbeddingRequest, ctx: RequestContext): Promise<EmbeddingResponse> {
    const meter = ctx.onUsage ? new UsageMeter(ctx.onUsage, inputChars(req)) : null;
    const { res, replica } = await this.dispatch('/v1/embeddings', req, ctx.caller, ctx, meter);
    try {
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      if (res.status >= 400) {
        meter?.nothingSpent();
        throw upstreamRefusal(res.status, text);
      }
      const data = JSON.parse(text) as EmbeddingResponse;
      meter?.saw(data);
      return data;
    } finally {
      replica.inFlight -= 1;
      meter?.report();
    }
  }

  async tokenizerJson(): Promise<string | null> {
    // Refact-style upstreams (ours included) serve tokenizers; others simply have none.
    for (const r of this.replicas.order(this.info.name)) {
      try {
        const res = await this.client.json('GET', r.url, `/tokenizer/${this.info.name.replace(/\//g, '--')}`, null, AbortSignal.timeout(10_000), 10_000);
        if (res.status === 200 && typeof res.data === 'object') return JSON.stringify(res.data);
      } catch {
        // Try the next replica.
      }
    }
    return null;
  }

  stats(): BackendStats {
    const rs = this.replicas.replicas;
    return {
      active: rs.reduce((a, r) => a + r.inFlight, 0),
      queued: 0,
      capacity: rs.length,
      replicas: rs.map((r) => ({ url: r.url, healthy: r.healthy, inFlight: r.inFlight, lastError: r.lastError })),
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // The client is shared by a server's upstream models; closing it twice is harmless.
    this.client.close();
  }
}
