import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionRequest } from '../../../src/protocol/openai';
import { completionCost } from '../../src/tokens/request-cost';
import { startServer, type TestServer } from '../helpers/server';

const ADMIN = { authorization: 'Bearer admin-secret' };
const COMPLETION: CompletionRequest = { model: 'tiny-llama', prompt: 'def add(a, b):', max_tokens: 4, temperature: 0 };

describe('API tokens made in the admin API: auth, per-token rate limit and quotas, usage', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ adminToken: 'admin-secret', parallel: 1 });
  });
  after(async () => s.close());

  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = ADMIN) =>
    s.app.inject({ method, url, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload } : {}) });
  const complete = (secret: string) =>
    s.app.inject({ method: 'POST', url: '/v1/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, payload: COMPLETION });

  it('refuses token management without the admin token', async () => {
    assert.equal((await admin('GET', '/admin/api/tokens', undefined, {})).statusCode, 401);
    assert.equal((await admin('POST', '/admin/api/tokens', { name: 'x' }, { authorization: 'Bearer nope' })).statusCode, 401);
  });

  it('a created token works on /v1/*, counts its usage, and stops working once revoked', async () => {
    const made = await admin('POST', '/admin/api/tokens', { name: 'alice' });
    assert.equal(made.statusCode, 201);
    const { secret, token } = made.json();
    const res = await complete(secret);
    assert.equal(res.statusCode, 200);
    const used = res.json().usage.total_tokens;
    assert.ok(used > 0);
    const listed = (await admin('GET', '/admin/api/tokens')).json().tokens.find((t: { id: string }) => t.id === token.id);
    assert.equal(listed.usage.requests, 1);
    assert.equal(listed.usage.dayTokens, used);
    assert.equal(listed.hash, undefined, 'the hash is not shown');
    assert.equal((await admin('DELETE', `/admin/api/tokens/${token.id}`)).statusCode, 200);
    const refused = await complete(secret);
    assert.equal(refused.statusCode, 401);
    assert.match(refused.json().error.message, /not valid/);
  });

  it('a token past its daily quota gets 429 insufficient_quota with Retry-After; raising the quota lets it through', async () => {
    // Room for one request's hold (its prompt and max_tokens) and 2 tokens more: once it spent
    // its tokens, the next hold does not fit.
    const quota = completionCost(COMPLETION, s.composed.deps.catalog.find('tiny-llama')?.info) + 2;
    const { secret, token } = (await admin('POST', '/admin/api/tokens', { name: 'bob', dailyTokenQuota: quota })).json();
    assert.equal((await complete(secret)).statusCode, 200);
    const over = await complete(secret);
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().error.code, 'insufficient_quota');
    assert.match(over.json().error.message, new RegExp(`daily quota of ${quota}\\b`));
    assert.ok(Number(over.headers['retry-after']) > 0);
    const patched = await admin('PATCH', `/admin/api/tokens/${token.id}`, { dailyTokenQuota: null });
    assert.equal(patched.json().token.dailyTokenQuota, null);
    assert.equal((await complete(secret)).statusCode, 200);
  });

  it('a per-token rate limit overrides the server default', async () => {
    const { secret } = (await admin('POST', '/admin/api/tokens', { name: 'carol', rateLimitPerMinute: 1 })).json();
    assert.equal((await complete(secret)).statusCode, 200);
    const limited = await complete(secret);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limit_exceeded');
  });

  it('refuses bad token requests with 400/409 and a reason', async () => {
    assert.equal((await admin('POST', '/admin/api/tokens', {})).statusCode, 400);
    assert.equal((await admin('POST', '/admin/api/tokens', { name: 'dave', dailyTokenQuota: -3 })).statusCode, 400);
    await admin('POST', '/admin/api/tokens', { name: 'erin' });
    const dup = await admin('POST', '/admin/api/tokens', { name: 'erin' });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.json().error.message, /exists already/);
    assert.equal((await admin('PATCH', '/admin/api/tokens/tok_nothing', { dailyTokenQuota: 1 })).statusCode, 404);
  });
});

describe('API tokens survive a restart', () => {
  it('a token made before the restart is accepted after it, with its usage', async () => {
    const first = await startServer({ adminToken: 'admin-secret' });
    const permDir = (await first.composed.deps.about()).perm_dir as string;
    let secret: string;
    try {
      const made = await first.app.inject({ method: 'POST', url: '/admin/api/tokens', headers: { ...ADMIN, 'content-type': 'application/json' }, payload: { name: 'frank' } });
      secret = made.json().secret;
      const ok = await first.app.inject({ method: 'POST', url: '/v1/embeddings', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, payload: { model: 'emb', input: 'hello' } });
      assert.equal(ok.statusCode, 200);
    } finally {
      await first.close();
    }
    const second = await startServer({ adminToken: 'admin-secret', permDir });
    try {
      const res = await second.app.inject({ method: 'POST', url: '/v1/embeddings', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, payload: { model: 'emb', input: 'hello' } });
      assert.equal(res.statusCode, 200);
      const [t] = (await second.app.inject({ method: 'GET', url: '/admin/api/tokens', headers: ADMIN })).json().tokens;
      assert.equal(t.usage.requests, 2, 'the request before the restart is still counted');
    } finally {
      await second.close();
    }
  });
});
