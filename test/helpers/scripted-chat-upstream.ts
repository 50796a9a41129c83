/**
 * Chat-session test kit: OpenAI chat stream chunks, an upstream whose streams the test feeds on
 * cue (for fan-out timing and slow readers), the engine's chat routes on a real port with caps
 * naming the scripted model, and a subscriber that collects a chat's events and waits for the
 * one a test needs (a real signal, never a sleep). Generic replies come from
 * `scripted-upstream.ts`.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import { emptyCapsInfo, emptyDefaults, newChatModel, type Caps, type ChatModelRecord } from '../../server/core/caps/model';
import { buildApp } from '../../server/http/app';
import { chatRoutes } from '../../server/http/routes/chat';
import { telemetryRoutes } from '../../server/http/routes/telemetry';
import { trajectoriesRoutes } from '../../server/http/routes/trajectories';
import { ChatSessions, type ChatSessionsOptions } from '../../server/services/chat/chat-sessions';
import { TelemetryLog } from '../../server/services/chat/telemetry-log';
import { TrajectoriesStore } from '../../server/services/chat/trajectories-store';
import type { Logger } from '../../server/services/logger';
import { createUpstreamClient } from '../../server/services/upstream/upstream-client';

/** One `/v1/chat/completions` stream chunk. */
export function chatDelta(delta: { content?: string; reasoning_content?: string; tool_calls?: unknown[] }, finish: string | null = null): Record<string, unknown> {
  return { id: 'chat-scripted', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

/** The last chunk of a stream with `stream_options.include_usage`. */
export function usageChunk(prompt: number, completion: number): Record<string, unknown> {
  return { id: 'chat-scripted', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
}

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A chat model of provider `scripted` served at `baseUrl`. */
export function scriptedChatModel(baseUrl: string, name = 'chat-model', provider = 'scripted'): ChatModelRecord {
  return { ...newChatModel(name), id: `${provider}/${name}`, endpoint: `${baseUrl}/v1/chat/completions`, n_ctx: 8192, api_key: 'sk-scripted', endpoint_style: 'openai' };
}

export function capsWith(models: ChatModelRecord[], light = ''): Caps {
  const defaults = emptyDefaults();
  defaults.chat_default_model = models[0]?.id ?? '';
  defaults.chat_light_model = light;
  return { ...emptyCapsInfo(), completion_models: new Map(), chat_models: new Map(models.map((m) => [m.id, m])), embedding_model: null, defaults };
}

export interface ChatHarness {
  baseUrl: string;
  sessions: ChatSessions;
  store: TrajectoriesStore;
  telemetry: TelemetryLog;
  /** POSTs a command; resolves with the status and the parsed body. */
  command(chatId: string, body: unknown): Promise<{ status: number; body: any }>;
  subscribe(chatId: string): Promise<ChatEventStream>;
  close(): Promise<void>;
}

export async function startChatHarness(options: { caps: Caps; projectRoot: string | null; sessions?: Partial<ChatSessionsOptions> }): Promise<ChatHarness> {
  const upstream = createUpstreamClient({ insecure: false, userAgent: 'refact-ts-test' });
  const store = new TrajectoriesStore({ projectRoot: () => options.projectRoot, logger: quietLogger, newId: () => 'unused', now: () => new Date().toISOString() });
  const sessions = new ChatSessions({ caps: { getCaps: async () => ({ ok: true, caps: options.caps }) }, upstream, trajectories: store, logger: quietLogger, ...options.sessions });
  const telemetry = new TelemetryLog();
  const app = buildApp({ anyHost: false, logger: quietLogger, routes: [chatRoutes(sessions), trajectoriesRoutes(store), telemetryRoutes(telemetry)] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    sessions,
    store,
    telemetry,
    async command(chatId, body) {
      const response = await fetch(`${baseUrl}/v1/chats/${encodeURIComponent(chatId)}/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    },
    async subscribe(chatId) {
      return openEventStream(`${baseUrl}/v1/chats/subscribe?chat_id=${encodeURIComponent(chatId)}`);
    },
    async close() {
      // The server ends its streams on close (that is under test), so the clients end on their own.
      await app.close();
      upstream.dispose();
    },
  };
}

/** An SSE subscription: every event and comment so far, and waits for the next one a test needs. */
export class ChatEventStream {
  readonly events: ChatEventEnvelope[] = [];
  readonly comments: string[] = [];
  ended = false;
  private cursor = 0;
  private wake: (() => void) | null = null;

  constructor(readonly response: IncomingMessage) {}

  push(event: ChatEventEnvelope | null, comment: string | null): void {
    if (event) this.events.push(event);
    if (comment !== null) this.comments.push(comment);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The next event after the last one returned that matches; earlier non-matching ones are passed over. */
  async next(match: (e: ChatEventEnvelope) => boolean = () => true): Promise<ChatEventEnvelope> {
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++]!;
        if (match(event)) return event;
      }
      if (this.ended) throw new Error(`stream ended without the event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The first event of the whole stream that matches, waiting for it if need be; the cursor stays. */
  async find<T extends ChatEventEnvelope['type']>(type: T, match: (e: Extract<ChatEventEnvelope, { type: T }>) => boolean = () => true): Promise<Extract<ChatEventEnvelope, { type: T }>> {
    for (let seen = 0; ; ) {
      for (; seen < this.events.length; seen++) {
        const event = this.events[seen]!;
        if (event.type === type && match(event as Extract<ChatEventEnvelope, { type: T }>)) return event as Extract<ChatEventEnvelope, { type: T }>;
      }
      if (this.ended) throw new Error(`stream ended without a ${type} event; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Waits for an event of `type` (optionally matching more) after the cursor, and moves the cursor past it. */
  nextOf<T extends ChatEventEnvelope['type']>(type: T, match: (e: Extract<ChatEventEnvelope, { type: T }>) => boolean = () => true): Promise<Extract<ChatEventEnvelope, { type: T }>> {
    return this.next((e) => e.type === type && match(e as Extract<ChatEventEnvelope, { type: T }>)) as Promise<Extract<ChatEventEnvelope, { type: T }>>;
  }

  /** Resolves once a comment line (`: hb`) has arrived. */
  async nextComment(): Promise<string> {
    const seen = this.comments.length;
    while (this.comments.length === seen) {
      if (this.ended) throw new Error('stream ended without a comment');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.comments[seen]!;
  }

  close(): void {
    this.response.destroy();
  }
}

/** Opens an SSE stream with node's http client (fetch buffers differently and hides comments). */
export function openEventStream(url: string): Promise<ChatEventStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const stream = new ChatEventStream(res);
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`subscribe answered ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
        return;
      }
      // A line-by-line reader that never rescans what it has seen (frames here can be megabytes).
      const decoder = new TextDecoder();
      let partial: string[] = [];
      let data: string[] = [];
      res.on('data', (chunk: Buffer) => {
        const text = decoder.decode(chunk, { stream: true });
        for (let at = 0; at < text.length; ) {
          const nl = text.indexOf('\n', at);
          if (nl < 0) {
            partial.push(text.slice(at));
            break;
          }
          partial.push(text.slice(at, nl));
          at = nl + 1;
          const line = partial.join('');
          partial = [];
          if (line === '') {
            if (data.length > 0) stream.push(JSON.parse(data.join('\n')) as ChatEventEnvelope, null);
            data = [];
          } else if (line.startsWith(':')) {
            stream.push(null, line);
          } else if (line.startsWith('data:')) {
            data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          }
        }
      });
      res.on('end', () => stream.end());
      res.on('error', () => stream.end());
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A stream the test writes chunk by chunk. */
export interface CueStream {
  body: any;
  send(chunk: unknown): void;
  end(): void;
  /** Resolves if the client closes the connection before `end()`. */
  closedByClient: Promise<void>;
}

/** An OpenAI-style upstream whose every request is handed to the test as a `CueStream`. */
export async function startCueUpstream(): Promise<{ url: string; next(): Promise<CueStream>; close(): Promise<void> }> {
  const arrived: CueStream[] = [];
  let wake: (() => void) | null = null;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.socket?.setNoDelay(true);
      let markClosed!: () => void;
      const closedByClient = new Promise<void>((resolve) => (markClosed = resolve));
      res.on('close', () => {
        if (!res.writableFinished) markClosed();
      });
      arrived.push({
        body: JSON.parse(text),
        send: (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`),
        end: () => res.end('data: [DONE]\n\n'),
        closedByClient,
      });
      wake?.();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let taken = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async next() {
      while (arrived.length <= taken) await new Promise<void>((resolve) => (wake = resolve));
      return arrived[taken++]!;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
