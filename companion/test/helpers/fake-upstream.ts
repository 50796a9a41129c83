import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible upstream for fault tests: it answers with its own name so a
 * test sees which replica served, and can be switched to fail with 500 or be stopped.
 */
export interface FakeUpstream {
  url: string;
  name: string;
  /** Paths of the POST requests it received, in order. */
  hits: string[];
  /** Their bodies, as sent. */
  bodies: string[];
  /**
   * `cutShort` answers 200 with a content-length, then closes the connection partway through;
   * `stallStream` streams its first chunk, then holds the answer open until the client leaves;
   * `refuse422` refuses as a validating server does, `refuse404Text` as a plain web server does;
   * `hold` keeps each request waiting, unanswered, until `releaseHeld()`.
   */
  mode: 'ok' | 'fail500' | 'refuse400' | 'refuse422' | 'refuse404Text' | 'cutShort' | 'stallStream' | 'hold';
  /** Requests waiting in `hold` mode. */
  readonly heldCount: number;
  /** Answers every held request as `ok` would, and answers new ones at once again. */
  releaseHeld: () => void;
  /** Whether answers carry `usage`; a stream only when asked with `stream_options.include_usage`. */
  reportsUsage: boolean;
  stop: () => Promise<void>;
}

/** The usage a fake upstream reports: numbers no estimate gives, so tests can tell them apart. */
export const FAKE_USAGE = { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 };

interface FakeRequest {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
}

/** A completion or chat answer, or one chunk of its stream, saying `text`. */
function answer(chat: boolean, stream: boolean, model: string | undefined, text: string): Record<string, unknown> {
  const head = { id: 'x', created: 0, model };
  if (!chat) return { ...head, object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }] };
  if (!stream) return { ...head, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }] };
  return { ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }] };
}

/** `tls` (a PEM key and certificate) makes it an HTTPS upstream. */
export async function fakeUpstream(name: string, models: string[] = ['up-model'], port = 0, tls?: { key: string; cert: string }): Promise<FakeUpstream> {
  const state = { hits: [] as string[], bodies: [] as string[], mode: 'ok' as FakeUpstream['mode'], reportsUsage: true };
  const held: Array<() => void> = [];
  const handle: http.RequestListener = (req, res) => {
    if (state.mode === 'hold' && req.method === 'POST') {
      held.push(() => handle(req, res));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(state.mode === 'fail500' ? 500 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', max_model_len: 4096 })) }));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      state.hits.push(req.url ?? '');
      state.bodies.push(text);
      if (state.mode === 'fail500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${name} broke` } }));
        return;
      }
      if (state.mode === 'refuse400') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${name} refuses`, type: 'invalid_request_error', code: 'bad' } }));
        return;
      }
      if (state.mode === 'refuse422') {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${name} cannot process it`, type: 'invalid_request_error', code: 'unprocessable', param: 'input' } }));
        return;
      }
      if (state.mode === 'refuse404Text') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
        return;
      }
      if (state.mode === 'cutShort') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id":"x","choi', () => res.socket?.destroy());
        return;
      }
      const body = JSON.parse(text || '{}') as FakeRequest;
      const usage = state.reportsUsage ? FAKE_USAGE : undefined;
      if (req.url === '/v1/embeddings') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const u = usage && { prompt_tokens: usage.prompt_tokens, total_tokens: usage.prompt_tokens };
        res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 2, 3] }], model: body.model, usage: u }));
        return;
      }
      const chat = req.url === '/v1/chat/completions';
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...answer(chat, false, body.model, `from ${name}`), usage }));
        return;
      }
      // As OpenAI does: with include_usage, content chunks carry "usage":null and a last chunk
      // without choices carries the numbers.
      const withUsage = usage !== undefined && body.stream_options?.include_usage === true;
      const chunk = { ...answer(chat, true, body.model, `from ${name}`), ...(withUsage ? { usage: null } : {}) };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (state.mode === 'stallStream') return;
      if (withUsage) res.write(`data: ${JSON.stringify({ ...answer(chat, true, body.model, ''), choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  };
  const server = tls ? https.createServer(tls, handle) : http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    name,
    get hits() {
      return state.hits;
    },
    get bodies() {
      return state.bodies;
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    get reportsUsage() {
      return state.reportsUsage;
    },
    set reportsUsage(v) {
      state.reportsUsage = v;
    },
    get heldCount() {
      return held.length;
    },
    releaseHeld: () => {
      state.mode = 'ok';
      for (const answer of held.splice(0)) answer();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
