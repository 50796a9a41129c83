import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEngineProcess, type EngineProcess } from '../helpers/engine-process';

describe('engine over HTTP', () => {
  let engine: EngineProcess;
  before(async () => {
    engine = await startEngineProcess({ args: ['--ping-message', 'ping-1234'] });
  });
  after(() => engine.stop());

  it('answers the ping message with a newline', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/ping`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'ping-1234\n');
  });

  it('reports its build', async () => {
    const body = (await (await fetch(`${engine.baseUrl}/build_info`)).json()) as Record<string, string>;
    assert.match(body.version!, /^\d+\.\d+\.\d+/);
    assert.match(body.rust_version!, /^node v\d+/);
  });

  it('answers its config path', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/config-path`);
    assert.equal(await response.text(), engine.configDir);
  });

  it('answers an unknown path with 404 and a detail', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/no-such-route?x=1`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { detail: 'no handler for /v1/no-such-route' });
  });

  it('refuses a non-loopback Host (DNS rebinding) with 403', async () => {
    const response = await rawRequest(engine.httpPort, 'GET /v1/ping HTTP/1.1\r\nHost: attacker.example.com\r\nConnection: close\r\n\r\n');
    assert.match(response, /^HTTP\/1.1 403/);
    assert.match(response, /not a loopback address/);
  });

  it('answers a CORS preflight from a webview and refuses one from a web page', async () => {
    const ok = await fetch(`${engine.baseUrl}/v1/caps`, {
      method: 'OPTIONS',
      headers: { origin: 'vscode-webview://abc123', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'vscode-webview://abc123');
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const refused = await fetch(`${engine.baseUrl}/v1/ping`, { headers: { origin: 'https://evil.example.com' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  it('keeps running after bad requests', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/ping`);
    assert.equal(response.status, 200);
    assert.equal(engine.process.exitCode, null);
  });
});

/** Sends raw bytes, because fetch does not let a test forge the Host header. */
async function rawRequest(port: number, text: string): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('engine over cleartext HTTP/2 (as the Refact VS Code extension talks)', () => {
  it('serves h2c on the same port, guards :authority, and SIGTERM ends open HTTP/2 sessions', async () => {
    const { connect } = await import('node:http2');
    const engine = await startEngineProcess({ args: ['--ping-message', 'ping-h2'] });
    const session = connect(engine.baseUrl);
    session.on('error', () => undefined);
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request(headers);
        let status = 0;
        let data = '';
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.setEncoding('utf8').on('data', (chunk) => (data += chunk)).on('end', () => resolve({ status, body: data })).on('error', reject);
      });
    try {
      assert.deepEqual(await get({ ':path': '/v1/ping' }), { status: 200, body: 'ping-h2\n' });
      const forged = await get({ ':path': '/v1/ping', ':authority': 'attacker.example.com' });
      assert.equal(forged.status, 403);
      const http1 = await fetch(`${engine.baseUrl}/v1/ping`);
      assert.equal(await http1.text(), 'ping-h2\n');
      // The signal that the open session did not hold the engine: the engine itself closes it
      // (the test destroys it only in `finally`), then exits cleanly.
      const closedByEngine = new Promise<void>((resolve) => session.once('close', resolve));
      engine.process.kill('SIGTERM');
      const exit = await engine.exited;
      assert.equal(exit.code, 0, engine.log());
      await closedByEngine;
      assert.match(engine.log(), /disposed in order: http,/);
    } finally {
      session.destroy();
      await engine.stop();
    }
  });
});
