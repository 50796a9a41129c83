import http from 'node:http';
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
  /** `cutShort` answers 200 with a content-length, then closes the connection partway through. */
  mode: 'ok' | 'fail500' | 'refuse400' | 'cutShort';
  stop: () => Promise<void>;
}

export async function fakeUpstream(name: string, models: string[] = ['up-model'], port = 0): Promise<FakeUpstream> {
  const state = { hits: [] as string[], bodies: [] as string[], mode: 'ok' as FakeUpstream['mode'] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(state.mode === 'fail500' ? 500 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', max_model_len: 4096 })) }));
        return;
      }
      state.hits.push(req.url ?? '');
      state.bodies.push(Buffer.concat(chunks).toString('utf8'));
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
      if (state.mode === 'cutShort') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id":"x","choi', () => res.socket?.destroy());
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stream?: boolean; model?: string };
      if (req.url === '/v1/embeddings') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 2, 3] }], model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
        return;
      }
      const payload = { id: 'x', object: 'text_completion', created: 0, model: body.model, choices: [{ index: 0, text: `from ${name}`, logprobs: null, finish_reason: 'stop' }] };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify(payload)}\n\n`);
        res.end('data: [DONE]\n\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
