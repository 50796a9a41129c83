import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { postJson, startServer, type TestServer } from '../helpers/server';

/** Asserts an OpenAI-style error body `{error: {message, type, code}}` with this status and code. */
function assertError(res: { status: number; body: any }, status: number, code: string, message: RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.type, 'string');
  assert.match(res.body.error.message, message);
}

async function send(url: string, init: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('client errors keep their real status, in OpenAI style', () => {
  let s: TestServer;
  let up: FakeUpstream;
  before(async () => {
    up = await fakeUpstream('U', ['up-model']);
    s = await startServer({ upstreams: [`up-model=${up.url}`], healthIntervalS: 3600, bodyLimit: 16 * 1024 }, false);
  });
  after(async () => {
    await s.close();
    await up.stop();
  });
  beforeEach(() => {
    up.mode = 'ok';
  });

  it('404 for an unknown route, GET or POST', async () => {
    assertError(await send(`${s.url}/v2/nothing`, {}), 404, 'not_found', /No route GET \/v2\/nothing/);
    const post = await send(`${s.url}/v1/nothing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assertError(post, 404, 'not_found', /No route POST \/v1\/nothing/);
  });

  it('413 for a body over the limit', async () => {
    assertError(await postJson(`${s.url}/v1/completions`, { model: 'up-model', prompt: 'x'.repeat(20 * 1024) }), 413, 'request_too_large', /body/i);
  });

  it('415 for a content type the server does not read', async () => {
    const res = await send(`${s.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<prompt>x</prompt>' });
    assertError(res, 415, 'unsupported_media_type', /application\/xml/);
  });

  it('400 for JSON that does not parse, and for a body that fails the schema', async () => {
    const broken = await send(`${s.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": ' });
    assertError(broken, 400, 'bad_request', /JSON/i);
    assertError(await postJson(`${s.url}/v1/completions`, { model: 'up-model' }), 400, 'bad_request', /prompt/);
  });

  it('passes an upstream 4xx on embeddings through with its status, type, code and message', async () => {
    up.mode = 'refuse422';
    const res = await postJson(`${s.url}/v1/embeddings`, { model: 'up-model', input: 'x' });
    assertError(res, 422, 'unprocessable', /U cannot process it/);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.equal(res.body.error.param, 'input');
  });

  it('passes an upstream 4xx without a JSON body through with its status', async () => {
    up.mode = 'refuse404Text';
    assertError(await postJson(`${s.url}/v1/embeddings`, { model: 'up-model', input: 'x' }), 404, 'upstream_refused', /HTTP 404/);
  });

  it('still answers embeddings once the upstream accepts again', async () => {
    const res = await postJson(`${s.url}/v1/embeddings`, { model: 'up-model', input: 'x' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data[0].embedding, [1, 2, 3]);
  });
});
