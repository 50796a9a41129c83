/**
 * The engine's upstream client against a real HTTP server that plays a provider, scripted per
 * test: answers, streams, failures, and the socket closes a cancelled call must cause.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createUpstreamClient, UpstreamError, type UpstreamTarget } from '../../server/services/upstream/upstream-client';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('upstream client', () => {
  let server: Server;
  let handler: Handler = (_req, res) => res.end('{}');
  const closes: string[] = [];
  const sockets = new Set<unknown>();
  let target: UpstreamTarget;
  const client = createUpstreamClient({ insecure: false, userAgent: 'refact-ts-test' });

  before(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => handler(req, res, body));
      res.once('close', () => closes.push(res.writableFinished ? 'finished' : 'closed early'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    target = { provider: 'scripted', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/completions`, apiKey: 'sk-test' };
  });
  after(() => {
    client.dispose();
    server.closeAllConnections();
    server.close();
  });

  it('posts JSON with the bearer key and parses the answer, reusing the socket', async () => {
    let seen: { auth?: string; body?: string } = {};
    handler = (req, res, body) => {
      seen = { auth: req.headers.authorization, body };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    sockets.clear();
    assert.deepEqual(await client.postJson(target, { prompt: 'x' }), { ok: true });
    assert.deepEqual(await client.postJson(target, { prompt: 'y' }), { ok: true });
    assert.equal(seen.auth, 'Bearer sk-test');
    assert.deepEqual(JSON.parse(seen.body!), { prompt: 'y' });
    assert.equal(sockets.size, 1, 'both calls went over one keep-alive socket');
  });

  it('streams SSE events as parsed JSON until [DONE]', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\nda');
      res.write('ta: {"n":2}\n\n: hb\n\n');
      res.end('data: [DONE]\n\ndata: {"n":3}\n\n');
    };
    const got = [];
    for await (const event of client.streamJson(target, { stream: true })) got.push(event);
    assert.deepEqual(got, [{ n: 1 }, { n: 2 }]);
  });

  it('names the provider and its reason on an HTTP error', async () => {
    handler = (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"model crashed"}}');
    await assert.rejects(client.postJson(target, {}), (error: UpstreamError) => {
      assert.equal(error.kind, 'http');
      assert.equal(error.status, 500);
      assert.match(error.message, /provider 'scripted' answered 500: model crashed/);
      return true;
    });
    await assert.rejects(drain(client.streamJson(target, {})), /provider 'scripted' answered 500: model crashed/);
  });

  it('times out a server that never answers, and closes the socket', async () => {
    closes.length = 0;
    let answered!: () => void;
    const arrived = new Promise<void>((resolve) => (answered = resolve));
    handler = () => answered();
    await assert.rejects(client.postJson(target, {}, { timeoutMs: 200 }), (error: UpstreamError) => error.kind === 'timeout' && /did not answer within 200 ms/.test(error.message));
    await arrived;
    await waitFor(() => closes.includes('closed early'));
  });

  it('times out a stream that goes quiet', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
    };
    const got: unknown[] = [];
    await assert.rejects(
      (async () => { for await (const e of client.streamJson(target, {}, { idleTimeoutMs: 200 })) got.push(e); })(),
      (error: UpstreamError) => error.kind === 'timeout' && /sent nothing for 200 ms/.test(error.message),
    );
    assert.deepEqual(got, [{ n: 1 }]);
  });

  it('aborting mid-stream closes the socket the server is writing to', async () => {
    closes.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
    };
    const controller = new AbortController();
    await assert.rejects(
      (async () => { for await (const _ of client.streamJson(target, {}, { signal: controller.signal })) controller.abort(); })(),
      (error: UpstreamError) => error.kind === 'aborted',
    );
    await waitFor(() => closes.includes('closed early'));
  });

  it('leaving the loop early closes the socket too', async () => {
    closes.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
    };
    for await (const _ of client.streamJson(target, {})) break;
    await waitFor(() => closes.includes('closed early'));
  });

  it('an already aborted signal sends nothing', async () => {
    let calls = 0;
    handler = (_req, res) => { calls++; res.end('{}'); };
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.postJson(target, {}, { signal: controller.signal }), (error: UpstreamError) => error.kind === 'aborted');
    assert.equal(calls, 0);
  });

  it('reports a stream event that is not JSON as malformed', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"n":1}\n\ndata: {broken\n\n');
    };
    await assert.rejects(drain(client.streamJson(target, {})), (error: UpstreamError) => error.kind === 'malformed' && /scripted/.test(error.message));
  });

  it('reports a stream cut off by the server as unreachable, naming the provider', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n', () => req.socket.destroy());
    };
    await assert.rejects(drain(client.streamJson(target, {})), (error: UpstreamError) => error.kind === 'unreachable' && /provider 'scripted' broke off its stream/.test(error.message));
  });

  it('reports a closed port as unreachable', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await assert.rejects(client.postJson({ ...target, url: `http://127.0.0.1:${port}/v1/x` }, {}), (error: UpstreamError) => error.kind === 'unreachable' && /ECONNREFUSED/.test(error.message));
  });

  it('yields the one JSON document of a server that does not stream', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
    assert.deepEqual(await drain(client.streamJson(target, { stream: true })), [{ choices: [] }]);
  });
});

async function drain(events: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** Waits for a condition the server's events make true (no fixed sleep: re-checks on each tick). */
async function waitFor(check: () => boolean): Promise<void> {
  for (let delay = 5; !check(); delay = Math.min(delay * 2, 100)) await new Promise((resolve) => setTimeout(resolve, delay));
}
