/**
 * A scripted OpenAI-compatible upstream for fault injection (timeouts, 5xx, broken streams,
 * scripted chat turns) and for counting requests. It records every request (path, headers,
 * parsed body), answers each with a scripted reply, and tells when a client closed a socket
 * before the answer was finished, which is how tests see that a cancellation reached it.
 * Real answers come from the companion server; this is for what a real server cannot be made
 * to do on cue.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type ScriptedReply =
  /** A whole JSON answer. */
  | { kind: 'json'; body: unknown; status?: number }
  /** SSE `data:` frames (objects are JSON-encoded, strings sent as they are), then `[DONE]` unless `done: false`. */
  | { kind: 'sse'; events: unknown[]; done?: boolean; status?: number }
  /** SSE frames, then the answer stays open until the client leaves (a stalled stream). */
  | { kind: 'sse-hold'; events: unknown[] }
  /** SSE frames, then more once `gate` resolves, then `[DONE]`: a stream the test paces. */
  | { kind: 'sse-gated'; first: unknown[]; gate: Promise<void>; rest: unknown[] }
  /** Nothing at all: no status line; the client must time out or cancel. */
  | { kind: 'hang' }
  /** Raw bytes with a status, for malformed answers. */
  | { kind: 'raw'; body: string; status?: number; contentType?: string }
  /** The socket is destroyed at once, with no answer. */
  | { kind: 'reset' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: any;
  /** True once the client closed the connection before the answer ended. */
  abortedByClient: boolean;
  /** Resolves when the client closes the connection before the answer ended; never for a finished answer. */
  aborted: Promise<void>;
  /** Resolves when the exchange is over, either way. */
  done: Promise<void>;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedReply;

export interface ScriptedUpstream {
  url: string;
  requests: RecordedRequest[];
  /** The reply for every request not covered by `queue`. */
  setResponder(responder: Responder): void;
  /** One-shot replies for POST requests (model calls), used in order before the responder. */
  queue(...replies: ScriptedReply[]): void;
  /** Resolves with the request number `index` (0-based) once it has arrived. */
  request(index: number): Promise<RecordedRequest>;
  /** Resolves with the first request, arrived or to come, that `match` accepts. */
  waitFor(match: (request: RecordedRequest, index: number) => boolean): Promise<RecordedRequest>;
  /** The POST requests to `path` so far. */
  posts(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/** An OpenAI `/v1/completions` answer (or stream chunk) saying `text`. */
export function completionBody(text: string, finish: 'stop' | 'length' | null = 'stop', model = 'scripted'): Record<string, unknown> {
  return { id: 'cmpl-scripted', object: 'text_completion', created: 0, model, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] };
}

/** An OpenAI `/v1/chat/completions` answer saying `content`. */
export function chatBody(content: string, model = 'scripted'): Record<string, unknown> {
  return { id: 'chat-scripted', object: 'chat.completion', created: 0, model, choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }] };
}

/** A `/v1/chat/completions` stream chunk carrying `content`. */
export function chatChunk(content: string, finish: 'stop' | 'length' | null = null, model = 'scripted'): Record<string, unknown> {
  return { id: 'chat-scripted', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finish }] };
}

export async function startScriptedUpstream(responder: Responder = () => ({ kind: 'json', body: completionBody('') })): Promise<ScriptedUpstream> {
  const requests: RecordedRequest[] = [];
  const queued: ScriptedReply[] = [];
  const waiters = new Map<number, ((r: RecordedRequest) => void)[]>();
  const watchers = new Set<(r: RecordedRequest, index: number) => void>();
  let current = responder;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded = record(req, res, text);
      const index = requests.push(recorded) - 1;
      for (const wake of waiters.get(index) ?? []) wake(recorded);
      waiters.delete(index);
      for (const watch of [...watchers]) watch(recorded, index);
      answer(res, (recorded.method === 'POST' ? queued.shift() : undefined) ?? current(recorded, index));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setResponder: (next) => (current = next),
    queue: (...replies) => queued.push(...replies),
    request: (index) =>
      requests[index]
        ? Promise.resolve(requests[index]!)
        : new Promise((resolve) => waiters.set(index, [...(waiters.get(index) ?? []), resolve])),
    waitFor: (match) => {
      const found = requests.findIndex((r, i) => match(r, i));
      if (found >= 0) return Promise.resolve(requests[found]!);
      return new Promise((resolve) => {
        const watch = (r: RecordedRequest, i: number) => {
          if (!match(r, i)) return;
          watchers.delete(watch);
          resolve(r);
        };
        watchers.add(watch);
      });
    },
    posts: (path) => requests.filter((r) => r.method === 'POST' && r.path === path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function record(req: IncomingMessage, res: ServerResponse, text: string): RecordedRequest {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: recorded as text.
  }
  let markAborted!: () => void;
  let markDone!: () => void;
  const recorded: RecordedRequest = {
    method: req.method ?? '',
    path: (req.url ?? '/').split('?')[0]!,
    headers: req.headers,
    body,
    abortedByClient: false,
    aborted: new Promise((resolve) => (markAborted = resolve)),
    done: new Promise((resolve) => (markDone = resolve)),
  };
  res.on('close', () => {
    if (!res.writableFinished) {
      recorded.abortedByClient = true;
      markAborted();
    }
    markDone();
  });
  return recorded;
}

function frame(event: unknown): string {
  return `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`;
}

function answer(res: ServerResponse, reply: ScriptedReply): void {
  switch (reply.kind) {
    case 'json':
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      return;
    case 'raw':
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' }).end(reply.body);
      return;
    case 'sse':
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream' });
      res.end(reply.events.map(frame).join('') + (reply.done === false ? '' : frame('[DONE]')));
      return;
    case 'sse-hold':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of reply.events) res.write(frame(event));
      return;
    case 'sse-gated':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of reply.first) res.write(frame(event));
      void reply.gate.then(() => {
        if (!res.destroyed) res.end(reply.rest.map(frame).join('') + frame('[DONE]'));
      });
      return;
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
  }
}

/**
 * A Refact self-hosted caps document (`GET /refact-caps`) naming this upstream's own routes, so
 * an engine pointed at the scripted upstream (`--address-url`) calls it for every model.
 * `completion` maps model names to their scratchpads; `chat` lists chat model names.
 */
export function selfHostedCaps(models: { completion: Record<string, Record<string, Record<string, unknown>>>; chat?: string[]; nCtx?: number; cloudName?: string }): Record<string, unknown> {
  const nCtx = models.nCtx ?? 4096;
  const completion = Object.fromEntries(Object.entries(models.completion).map(([name, scratchpads]) => [name, { n_ctx: nCtx, supports_scratchpads: scratchpads }]));
  const chat = Object.fromEntries((models.chat ?? []).map((name) => [name, { n_ctx: nCtx, supports_scratchpads: { PASSTHROUGH: {} } }]));
  return {
    cloud_name: models.cloudName ?? 'Scripted',
    completion: { endpoint: '/v1/completions', models: completion, default_model: Object.keys(completion)[0] ?? '' },
    chat: { endpoint: '/v1/chat/completions', models: chat, default_model: Object.keys(chat)[0] ?? '' },
    caps_version: 1,
  };
}

/** A responder that serves `caps` at `/refact-caps` and hands every other request to `rest`. */
export function withCaps(caps: unknown, rest: Responder): Responder {
  return (request, index) => (request.method === 'GET' && request.path === '/refact-caps' ? { kind: 'json', body: caps } : rest(request, index));
}
