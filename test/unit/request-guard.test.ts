import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardRequest, isAllowedOrigin, isLoopbackHost } from '../../server/core/request-guard';

describe('request guard', () => {
  const hosts: [string | undefined, boolean][] = [
    ['127.0.0.1:8001', true],
    ['localhost:8001', true],
    ['LOCALHOST', true],
    ['[::1]:8001', true],
    ['127.0.0.1', true],
    ['evil.example.com', false],
    ['127.0.0.1.evil.com:8001', false],
    ['localhost.evil.com', false],
    ['10.0.0.5:8001', false],
    ['', false],
    [undefined, false],
  ];
  for (const [host, allowed] of hosts) {
    it(`${allowed ? 'serves' : 'refuses'} Host ${JSON.stringify(host)}`, () => assert.equal(isLoopbackHost(host), allowed));
  }

  const origins: [string, boolean][] = [
    ['http://127.0.0.1:5173', true],
    ['http://localhost:3000', true],
    ['http://localhost', true],
    ['https://localhost:8443', true],
    ['http://[::1]:8080', true],
    ['vscode-webview://1a2b3c4d5e', true],
    ['https://evil.example.com', false],
    ['http://localhost.evil.com', false],
    ['http://127.0.0.1.nip.io:8001', false],
    ['null', false],
    ['file://', false],
    ['vscode-webview://x/../evil', false],
    ['ftp://localhost', false],
  ];
  for (const [origin, allowed] of origins) {
    it(`${allowed ? 'allows' : 'refuses'} Origin ${origin}`, () => assert.equal(isAllowedOrigin(origin), allowed));
  }

  it('lets non-browser clients in without CORS headers', () => {
    assert.deepEqual(guardRequest('127.0.0.1:8001', undefined, false), { ok: true, corsOrigin: null });
  });

  it('echoes an allowed origin for CORS', () => {
    assert.deepEqual(guardRequest('127.0.0.1:8001', 'vscode-webview://abc', false), { ok: true, corsOrigin: 'vscode-webview://abc' });
  });

  it('refuses a foreign page even on a loopback host', () => {
    const verdict = guardRequest('127.0.0.1:8001', 'https://evil.example.com', false);
    assert.equal(verdict.ok, false);
  });

  it('serves any Host inside a container but still refuses foreign pages', () => {
    assert.equal(guardRequest('engine:8001', undefined, true).ok, true);
    assert.equal(guardRequest('engine:8001', 'https://evil.example.com', true).ok, false);
  });
});
