import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { HttpClient } from '../../src/backends/upstream/http-client';

/** A node:http server scripted per test, counting the connections it accepted. */
async function scripted(handler: http.RequestListener): Promise<{ url: string; connections: Socket[]; server: http.Server }> {
  const server = http.createServer(handler);
  const connections: Socket[] = [];
  server.on('connection', (s) => connections.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, server };
}

async function readAll(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const never = () => new AbortController().signal;

describe('upstream HTTP client', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const setup = async (handler: http.RequestListener, apiKey: string | null = null) => {
    const s = await scripted(handler);
    const client = new HttpClient(apiKey);
    cleanups.push(() => {
      client.close();
      s.server.closeAllConnections();
      s.server.close();
    });
    return { ...s, client };
  };

  it('sends the body with its length, and reuses one connection for requests in a row', async () => {
    const seen: string[] = [];
    const { url, client, connections } = await setup((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${req.headers['content-length']} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body }));
      });
    });
    for (const payload of ['{"a":"é"}', Buffer.from('{"b":2}')]) {
      const res = await client.request('POST', url, '/v1/completions', payload, never(), 5000);
      assert.equal(res.status, 200);
      assert.equal(res.contentType, 'application/json');
      assert.equal(JSON.parse(await readAll(res.body)).echo, payload.toString());
    }
    assert.deepEqual(seen, ['POST /v1/completions application/json 10 {"a":"é"}', 'POST /v1/completions application/json 7 {"b":2}']);
    assert.equal(connections.length, 1);
  });

  it('keeps the path prefix of the base URL and authorizes with the key or the URL user', async () => {
    const seen: string[] = [];
    const handler: http.RequestListener = (req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.end('{}');
    };
    const keyed = await setup(handler, 'sk-1');
    await keyed.client.json('GET', `${keyed.url}/openai`, '/v1/models', null, never(), 5000);
    const plain = await setup(handler);
    await plain.client.json('GET', plain.url.replace('//', '//me:p%40ss@'), '/v1/models', null, never(), 5000);
    assert.deepEqual(seen, ['/openai/v1/models Bearer sk-1', `/v1/models Basic ${Buffer.from('me:p@ss').toString('base64')}`]);
  });

  it('retries once on a fresh connection when its server closed a reused one without answering', async () => {
    const served = new WeakSet<Socket>();
    const { url, client, connections } = await setup((req, res) => {
      // The second request on a connection finds it closing, as at a keep-alive timeout.
      if (served.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      res.end('{"ok":true}');
    });
    for (let i = 0; i < 3; i++) {
      const res = await client.request('POST', url, '/x', '{}', never(), 5000);
      assert.equal(await readAll(res.body), '{"ok":true}');
    }
    assert.equal(connections.length, 3);
  });

  it('rejects with the connection error when the server is gone', async () => {
    const { url, client, server } = await setup(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await assert.rejects(client.request('POST', url, '/x', '{}', never(), 5000), /ECONNREFUSED/);
  });

  it('closes the upstream connection when the caller aborts before the answer', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const { url, client, connections } = await setup(() => arrived());
    const ac = new AbortController();
    const pending = client.request('POST', url, '/x', '{}', ac.signal, 5000);
    await arrival;
    const closed = new Promise((resolve) => connections[0]!.once('close', resolve));
    ac.abort(new Error('client disconnected'));
    await assert.rejects(pending, /client disconnected/);
    await closed;
  });

  it('gives up when no answer head comes in time', async () => {
    const { url, client } = await setup(() => {});
    await assert.rejects(client.request('POST', url, '/x', '{}', never(), 50), /no response within 50 ms/);
  });

  it('fails the body when the answer is cut short', async () => {
    const { url, client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('abc', () => res.socket?.destroy());
    });
    const res = await client.request('POST', url, '/x', '{}', never(), 5000);
    await assert.rejects(readAll(res.body), /closed the connection mid-answer/);
  });

  it('streams a chunked answer and one that ends with the connection', async () => {
    const { url, client } = await setup((req, res) => {
      if (req.url === '/close') {
        res.socket?.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: 1\n\n', () => res.socket?.end());
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      res.end('data: [DONE]\n\n');
    });
    const chunked = await client.request('POST', url, '/chunked', '{}', never(), 5000);
    assert.equal(chunked.contentType, 'text/event-stream');
    assert.equal(await readAll(chunked.body), 'data: 1\n\ndata: [DONE]\n\n');
    const untilClose = await client.request('POST', url, '/close', '{}', never(), 5000);
    assert.equal(await readAll(untilClose.body), 'data: 1\n\n');
  });

  it('holds back a fast upstream while the reader is slow, then reuses the connection', async () => {
    const size = 16 * 1024 * 1024;
    let blocked!: () => void;
    const serverBlocked = new Promise<void>((resolve) => (blocked = resolve));
    const { url, client, connections } = await setup((req, res) => {
      if (req.url === '/small') {
        res.end('small');
        return;
      }
      res.writeHead(200, { 'content-length': String(size) });
      const piece = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += piece.length;
          if (!res.write(piece)) {
            blocked();
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const res = await client.request('POST', url, '/big', '{}', never(), 5000);
    await serverBlocked;
    assert.ok(res.body.readableLength < 1024 * 1024, `buffered ${res.body.readableLength} bytes`);
    let total = 0;
    for await (const c of res.body) total += (c as Buffer).length;
    assert.equal(total, size);
    const small = await client.request('POST', url, '/small', '{}', never(), 5000);
    assert.equal(await readAll(small.body), 'small');
    assert.equal(connections.length, 1);
  });
});
