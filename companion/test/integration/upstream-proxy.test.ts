import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { startServer, type TestServer } from '../helpers/server';

describe('upstream proxy answers', () => {
  let up: FakeUpstream;
  let s: TestServer;
  before(async () => {
    up = await fakeUpstream('A');
    s = await startServer({ upstreams: [`up-model=${up.url}`], healthIntervalS: 3600 }, false);
  });
  after(async () => {
    await s.close();
    await up.stop();
  });

  const post = (base: string) =>
    fetch(`${base}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'up-model', prompt: 'x', max_tokens: 2 }) });

  it('forwards a JSON answer byte for byte, with its length', async () => {
    up.mode = 'ok';
    const direct = await post(up.url);
    const proxied = await post(s.url);
    assert.equal(proxied.status, 200);
    assert.equal(proxied.headers.get('content-type'), direct.headers.get('content-type'));
    const text = await proxied.text();
    assert.equal(text, await direct.text());
    assert.equal(proxied.headers.get('content-length'), String(Buffer.byteLength(text)));
  });

  const send = (text: string) => fetch(`${s.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: text });

  it('sends the upstream the bytes the client sent, not a serialization of them', async () => {
    up.mode = 'ok';
    // Spacing, key order and escapes that JSON.stringify would have rewritten.
    const text = '{ "prompt": "caf\\u00e9 \\/ x",\n  "max_tokens": 2, "model": "up-model" }';
    assert.equal((await send(text)).status, 200);
    assert.equal(up.bodies.at(-1), text);
  });

  it('serializes the body again when validation coerced a field, so the upstream gets the valid value', async () => {
    up.mode = 'ok';
    assert.equal((await send('{"model":"up-model","prompt":"x","max_tokens":"2"}')).status, 200);
    assert.equal(up.bodies.at(-1), '{"model":"up-model","prompt":"x","max_tokens":2}');
  });

  it('answers 502 in the OpenAI shape when the upstream breaks off its JSON answer', async () => {
    up.mode = 'cutShort';
    const res = await post(s.url);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'upstream_unavailable');
    assert.match(body.error.message, /broke off/);
    up.mode = 'ok';
    assert.equal((await post(s.url)).status, 200, 'the next request is served');
  });
});
