/**
 * The engine's one client for OpenAI-compatible providers: completion, chat and embeddings all
 * call models through it, so timeouts, cancellation, SSE parsing and error wording are written
 * once. Every failure is an `UpstreamError` whose message names the provider, because the user
 * sees it and must know which of their providers to look at.
 *
 * Cancelling (the caller's signal) destroys the socket at once: a completion the user typed past
 * must free the server's slot, not run to its end.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SseParser } from '../../core/upstream/sse-parser';

export interface UpstreamTarget {
  /** The provider's name, as the user configured it; every error message names it. */
  provider: string;
  /** The full endpoint URL, for example `http://127.0.0.1:8008/v1/completions`. */
  url: string;
  /** Sent as a bearer token; empty sends no Authorization header. */
  apiKey: string;
  headers?: Record<string, string>;
}

export type UpstreamFailureKind = 'timeout' | 'http' | 'unreachable' | 'malformed' | 'aborted';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface CallOptions {
  /** Aborting destroys the socket at once; the call rejects with kind `aborted`. */
  signal?: AbortSignal;
  /** Without a stream, the whole answer; with one, until its first body bytes. */
  timeoutMs?: number;
  /** Streams only: the longest gap between two pieces of the body. */
  idleTimeoutMs?: number;
}

export interface UpstreamClient {
  /** POST a JSON body and parse the JSON answer; a non-2xx status is an `http` failure. */
  postJson(target: UpstreamTarget, body: unknown, options?: CallOptions): Promise<unknown>;
  /**
   * POST a JSON body (the caller sets `stream: true`) and yield each SSE `data:` payload parsed
   * as JSON, until `[DONE]` or the end of the body. Leaving the loop early aborts the request.
   */
  streamJson(target: UpstreamTarget, body: unknown, options?: CallOptions): AsyncIterable<unknown>;
  /** Closes idle keep-alive sockets; in-flight calls are the callers' to abort. */
  dispose(): void;
}

/** A request on its way: the 2xx response, and the means to end it. */
interface Exchange {
  res: IncomingMessage;
  req: ClientRequest;
  /** Ends the exchange with this failure and destroys the socket. */
  stop(error: UpstreamError): void;
  /** The answer was read whole: its timer goes, the socket returns to the pool. */
  finish(): void;
  /** Why the exchange was stopped, if it was: a body read that broke because of it reports this. */
  failure(): UpstreamError | null;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Error bodies are read only this far: enough for any provider's message. */
const ERROR_EXCERPT = 2000;
/** A whole (non-streamed) answer larger than this is not a model's reply. */
const MAX_BODY = 64 * 1024 * 1024;

export function createUpstreamClient(options: { insecure: boolean; userAgent: string }): UpstreamClient {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: !options.insecure });

  /** Sends the request and resolves with a 2xx response; every other outcome is an UpstreamError. */
  const open = (target: UpstreamTarget, body: unknown, call: CallOptions, accept: string): Promise<Exchange> =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(target.url);
      } catch {
        reject(new UpstreamError('unreachable', target.provider, `provider '${target.provider}': endpoint '${target.url}' is not a valid URL`));
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new UpstreamError('unreachable', target.provider, `provider '${target.provider}': endpoint '${target.url}' is not http(s)`));
        return;
      }
      if (call.signal?.aborted) {
        reject(aborted(target));
        return;
      }
      const payload = Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(payload.length),
        accept,
        'user-agent': options.userAgent,
        ...target.headers,
      };
      if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: secure ? httpsAgent : httpAgent });
      // The first failure wins; the socket goes with it, so a cancelled call frees the server.
      let failure: UpstreamError | null = null;
      const stop = (error: UpstreamError) => {
        if (failure) return;
        failure = error;
        req.destroy(error);
        reject(error);
      };
      const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => stop(new UpstreamError('timeout', target.provider, `provider '${target.provider}' did not answer within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => stop(aborted(target));
      call.signal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
      });
      req.on('error', (error) => stop(error instanceof UpstreamError ? error : unreachable(target, error)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          void readLimited(res, ERROR_EXCERPT).then((text) => {
            stop(new UpstreamError('http', target.provider, `provider '${target.provider}' answered ${status}: ${errorText(text) || res.statusMessage || 'no reason given'}`, status));
          }, (error: Error) => stop(unreachable(target, error)));
          return;
        }
        // A stream's body is timed by its own idle timer; a whole answer stays under the first.
        if (accept === 'text/event-stream') clearTimeout(timer);
        resolve({
          res,
          req,
          stop,
          finish: () => clearTimeout(timer),
          failure: () => failure,
        });
      });
      req.end(payload);
    });

  return {
    async postJson(target, body, call = {}) {
      const exchange = await open(target, body, call, 'application/json');
      let text: string;
      try {
        text = await readLimited(exchange.res, MAX_BODY);
      } catch (error) {
        throw exchange.failure() ?? unreachable(target, error as Error, 'broke off its answer');
      } finally {
        exchange.finish();
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UpstreamError('malformed', target.provider, `provider '${target.provider}' answered with something that is not JSON: ${text.slice(0, 200)}`);
      }
    },

    async *streamJson(target, body, call = {}) {
      const { res, req, stop, failure } = await open(target, body, call, 'text/event-stream');
      const idleMs = call.idleTimeoutMs ?? call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let idle = setTimeout(() => stop(new UpstreamError('timeout', target.provider, `provider '${target.provider}' sent nothing for ${idleMs} ms`)), idleMs);
      const parser = new SseParser();
      const plainJson = (res.headers['content-type'] ?? '').includes('application/json');
      let done = false;
      try {
        // Some servers answer a streamed request with one JSON document (often an error).
        if (plainJson) {
          const text = await readLimited(res, MAX_BODY);
          yield parseData(target, text);
          done = true;
          return;
        }
        for await (const chunk of res as AsyncIterable<Buffer>) {
          idle.refresh();
          for (const event of parser.push(chunk)) {
            if (event.data === '[DONE]') {
              done = true;
              return;
            }
            yield parseData(target, event.data);
          }
        }
        for (const event of parser.end()) {
          if (event.data === '[DONE]') break;
          yield parseData(target, event.data);
        }
        done = true;
      } catch (error) {
        throw failure() ?? (error instanceof UpstreamError ? error : unreachable(target, error as Error, 'broke off its stream'));
      } finally {
        clearTimeout(idle);
        // Leaving early (the caller broke out, or a parse failed) must not leave the server generating.
        if (!done) req.destroy();
        else res.resume();
      }
    },

    dispose() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function parseData(target: UpstreamTarget, data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw new UpstreamError('malformed', target.provider, `provider '${target.provider}' sent a stream event that is not JSON: ${data.slice(0, 200)}`);
  }
}

function aborted(target: UpstreamTarget): UpstreamError {
  return new UpstreamError('aborted', target.provider, `request to provider '${target.provider}' was cancelled`);
}

function unreachable(target: UpstreamTarget, error: Error, what = 'cannot be reached'): UpstreamError {
  const code = (error as NodeJS.ErrnoException).code;
  return new UpstreamError('unreachable', target.provider, `provider '${target.provider}' ${what} at ${target.url}: ${code ?? error.message}`);
}

/** The message inside an OpenAI-style `{error:{message}}`, a `{detail}` or an `{error:"..."}`; else the text. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; detail?: unknown; message?: string };
    if (typeof body.error === 'string') return body.error;
    if (body.error?.message) return body.error.message;
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: the text itself is the best reason there is.
  }
  return text.trim().slice(0, ERROR_EXCERPT);
}

function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      size += chunk.length;
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, limit)));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error('connection closed before the answer ended'));
    });
  });
}

/** An answer whose shape is not the protocol's: the message says what came instead. */
export function malformed(target: UpstreamTarget, what: string): UpstreamError {
  return new UpstreamError('malformed', target.provider, `provider '${target.provider}' answered ${what}`);
}

/** An `error` object a provider put inside a 200 stream (vLLM, OpenRouter and others do). */
export function failedMidAnswer(target: UpstreamTarget, error: unknown): UpstreamError {
  const message = typeof error === 'string' ? error : (error as { message?: unknown } | null)?.message;
  return new UpstreamError('http', target.provider, `provider '${target.provider}' failed mid-answer: ${typeof message === 'string' ? message : JSON.stringify(error)}`);
}
