import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCli } from '../../src/cli';
import { startServer, type TestServer } from '../helpers/server';

const TRUSTED = 'https://ide.example.com';
const EVIL = 'https://evil.example';

describe('browser Origin check (CSRF)', () => {
  let s: TestServer;
  /** The admin page's own origin: the server's address, as the browser that loaded it sends it. */
  let own: string;
  before(async () => {
    s = await startServer({ corsOrigins: [TRUSTED] }, false);
    own = new URL(s.url).origin;
  });
  after(async () => s.close());

  const makeToken = (name: string, headers: Record<string, string>) =>
    fetch(`${s.url}/admin/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name }) });
  const tokenNames = () => s.composed.deps.tokens.list().map((t) => t.name);

  it('refuses a foreign page with 403 in OpenAI style, before the route runs', async () => {
    for (const origin of [EVIL, 'null', `http://127.0.0.1.evil.example:${new URL(s.url).port}`, own.replace('http:', 'ftp:')]) {
      const res = await makeToken(`from ${origin}`, { origin });
      assert.equal(res.status, 403, origin);
      const body = (await res.json()) as any;
      assert.equal(body.error.code, 'forbidden_origin');
      assert.equal(body.error.type, 'permission_error');
      assert.match(body.error.message, /--cors-origin/);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    }
    assert.deepEqual(tokenNames(), []);
    const models = await fetch(`${s.url}/v1/models`, { headers: { origin: EVIL } });
    assert.equal(models.status, 403);
  });

  it("serves the admin page's own origin", async () => {
    const res = await makeToken('from the admin page', { origin: own });
    assert.equal(res.status, 201, await res.clone().text());
    assert.ok(tokenNames().includes('from the admin page'));
  });

  it('serves a --cors-origin page and tells the browser so', async () => {
    const res = await fetch(`${s.url}/refact-caps`, { headers: { origin: TRUSTED } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), TRUSTED);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('answers preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${s.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const ok = await preflight(TRUSTED);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), TRUSTED);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const refused = await preflight(EVIL);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  it('leaves API clients without Origin alone', async () => {
    const res = await makeToken('from a script', {});
    assert.equal(res.status, 201);
    assert.ok(tokenNames().includes('from a script'));
    // Not a preflight: no CORS answer to give.
    assert.equal((await fetch(`${s.url}/v1/models`, { method: 'OPTIONS' })).status, 404);
  });
});

describe('--cors-origin', () => {
  it('is repeatable and normalized, and refuses what is not an origin', () => {
    const ok = parseCli(['--cors-origin', 'https://IDE.example.com/', '--cors-origin', 'http://localhost:5173'], {});
    assert.equal(ok.kind, 'run');
    if (ok.kind === 'run') assert.deepEqual(ok.config.corsOrigins, ['https://ide.example.com', 'http://localhost:5173']);
    for (const bad of ['ide.example.com', 'https://ide.example.com/path', 'file:///x', '*']) {
      const r = parseCli(['--cors-origin', bad], {});
      assert.equal(r.kind, 'error', bad);
      if (r.kind === 'error') assert.match(r.message, /--cors-origin wants an origin/);
    }
  });
});
