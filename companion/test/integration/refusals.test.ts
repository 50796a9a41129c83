import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startServer, waitFor, type TestServer } from '../helpers/server';

describe('refusals, as OpenAI-style errors', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ apiTokens: ['sk-good'], parallel: 1, maxQueue: 1, maxPromptChars: 20_000, bodyLimit: 64 * 1024 });
  });
  after(async () => s.close());

  const auth = { authorization: 'Bearer sk-good' };
  const post = (url: string, payload: object, headers: Record<string, string> = auth) =>
    s.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload });

  function assertError(res: { statusCode: number; json: () => any }, status: number, code: string, message: RegExp) {
    assert.equal(res.statusCode, status);
    const body = res.json();
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.type, 'string');
    assert.match(body.error.message, message);
  }

  it('404 for an unknown model, naming what is served', async () => {
    assertError(await post('/v1/completions', { model: 'gpt-9', prompt: 'x' }), 404, 'model_not_found', /gpt-9.*tiny-llama/);
    assertError(await post('/v1/chat/completions', { model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }), 404, 'model_not_found', /gpt-9/);
    assertError(await post('/v1/embeddings', { model: 'gpt-9', input: 'x' }), 404, 'model_not_found', /gpt-9/);
  });

  it('400 for a missing or empty prompt', async () => {
    assertError(await post('/v1/completions', { model: 'tiny-llama' }), 400, 'bad_request', /prompt/);
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: '' }), 400, 'bad_request', /prompt/);
    assertError(await post('/v1/chat/completions', { model: 'tiny-llama', messages: [] }), 400, 'bad_request', /messages/);
  });

  it('400 for a prompt longer than the context or the character limit', async () => {
    // Each of these characters is a few byte tokens: far beyond the 2048-token context.
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: 'ж'.repeat(3000) }), 400, 'context_length_exceeded', /context of 2048 tokens/);
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: 'x'.repeat(20_001) }), 400, 'context_length_exceeded', /at most 20000/);
  });

  it('413 for a body over the size limit', async () => {
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: 'x'.repeat(70 * 1024) }), 413, 'request_too_large', /body/i);
  });

  it('401 for a missing or wrong token when tokens are configured', async () => {
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: 'x' }, {}), 401, 'invalid_api_key', /requires an API key/);
    assertError(await post('/v1/completions', { model: 'tiny-llama', prompt: 'x' }, { authorization: 'Bearer sk-bad' }), 401, 'invalid_api_key', /not valid/);
    const models = await s.app.inject({ method: 'GET', url: '/v1/models' });
    assert.equal(models.statusCode, 401);
    // Caps stay public, as in Refact: clients read them before they have a key.
    assert.equal((await s.app.inject({ method: 'GET', url: '/refact-caps' })).statusCode, 200);
  });

  it('403 for a Host that is not a loopback name (DNS rebinding), on every route', async () => {
    for (const url of ['/refact-caps', '/admin/api/state', '/v1/models']) {
      assertError(await s.app.inject({ method: 'GET', url, headers: { host: 'rebound.example:8008' } }), 403, 'forbidden_host', /not a loopback name/);
    }
    assert.equal((await s.app.inject({ method: 'GET', url: '/refact-caps', headers: { host: '127.0.0.1:8008' } })).statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: '/refact-caps', headers: { host: '[::1]:8008' } })).statusCode, 200);
  });

  it('404 in OpenAI style for an unknown route', async () => {
    assertError(await s.app.inject({ method: 'GET', url: '/v2/nothing' }), 404, 'not_found', /No route GET \/v2\/nothing/);
  });

  it('429 with Retry-After when the queue is full', async () => {
    const backend = s.composed.deps.catalog.find('tiny-llama');
    assert.ok(backend);
    const long = JSON.stringify({ model: 'tiny-llama', prompt: 'the long story', max_tokens: 1500, temperature: 0, stream: true });
    // One request holds the only sequence, one waits in the one-place queue.
    const holders = [0, 1].map(() => {
      const req = http.request(`${s.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth } });
      req.on('error', () => {});
      req.end(long);
      return req;
    });
    try {
      await waitFor(() => backend.stats().active === 1 && backend.stats().queued === 1, 'one running and one queued request');
      const res = await post('/v1/completions', { model: 'tiny-llama', prompt: 'x', max_tokens: 1 });
      assertError(res, 429, 'queue_full', /queue is full/);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
    } finally {
      for (const h of holders) h.destroy();
    }
    await waitFor(() => backend.stats().active === 0 && backend.stats().queued === 0, 'the queue to drain');
  });
});

describe('a server listening on the network', () => {
  it('answers any Host name, since a team reaches it by its own names', async () => {
    const s = await startServer({ host: '0.0.0.0' }, false);
    try {
      assert.equal(s.composed.deps.loopbackOnly, false);
      assert.equal((await s.app.inject({ method: 'GET', url: '/refact-caps', headers: { host: 'gpu-box.team.lan:8008' } })).statusCode, 200);
    } finally {
      await s.close();
    }
  });
});
