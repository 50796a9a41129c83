import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { UpstreamBackend } from '../../src/backends/upstream/upstream-backend';
import { fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { postJson, sseEvents, startServer, type TestServer } from '../helpers/server';

describe('upstream backend against scripted upstreams', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let s: TestServer;
  beforeEach(async () => {
    a = await fakeUpstream('A');
    b = await fakeUpstream('B');
    s = await startServer({ upstreams: [`up-model=${a.url}`, `up-model=${b.url}`], healthIntervalS: 3600 }, false);
  });
  afterEach(async () => {
    await s.close();
    await a.stop();
    await b.stop();
  });
  after(() => {});

  const complete = (prompt: string, extra: object = {}, key = 'anonymous') =>
    postJson(`${s.url}/v1/completions`, { model: 'up-model', prompt, max_tokens: 4, ...extra }, key === 'anonymous' ? {} : { authorization: `Bearer ${key}` });
  const servedBy = (r: { body: any }) => String(r.body.choices[0].text).replace('from ', '');
  const backend = () => s.composed.deps.catalog.find('up-model') as UpstreamBackend;

  it('lists the upstream model in caps and /v1/models', async () => {
    const caps = await (await fetch(`${s.url}/refact-caps`)).json();
    assert.ok(caps.completion.models['up-model']);
    assert.ok(caps.chat.models['up-model']);
    assert.equal(backend().stats().replicas.length, 2);
  });

  it('keeps a prompt prefix on one replica and spreads different prefixes over both', async () => {
    const first = servedBy(await complete('def main():\n    pass'));
    for (let i = 0; i < 5; i++) assert.equal(servedBy(await complete('def main():\n    pass')), first);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) seen.add(servedBy(await complete(`file ${i}\n`, {}, `user-${i}`)));
    assert.deepEqual([...seen].sort(), ['A', 'B']);
  });

  it('streams an upstream SSE answer through to [DONE]', async () => {
    const r = await complete('hello', { stream: true });
    const events = sseEvents(r.body as string);
    assert.equal(events.at(-1), '[DONE]');
    assert.match(events[0].choices[0].text, /^from [AB]$/);
  });

  it('fails over when a replica dies, and marks it down', async () => {
    const prompt = 'sticky prefix';
    const first = servedBy(await complete(prompt));
    const [dead, alive] = first === 'A' ? [a, b] : [b, a];
    await dead.stop();
    const r = await complete(prompt);
    assert.equal(r.status, 200);
    assert.equal(servedBy(r), alive.name);
    const rep = backend().stats().replicas.find((x) => x.url === dead.url);
    assert.equal(rep?.healthy, false);
    assert.match(rep?.lastError ?? '', /ECONNREFUSED|socket|closed/);
  });

  it('fails over on a 500 from a replica', async () => {
    a.mode = 'fail500';
    for (let i = 0; i < 6; i++) assert.equal(servedBy(await complete(`p${i}`)), 'B');
  });

  it('passes an upstream 4xx through without failing over', async () => {
    a.mode = 'refuse400';
    b.mode = 'refuse400';
    const r = await complete('x');
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /refuses/);
    assert.equal(a.hits.length + b.hits.length, 1);
  });

  it('answers 502 naming every replica when all are down', async () => {
    await a.stop();
    await b.stop();
    const r = await complete('x');
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'upstream_unavailable');
    assert.ok(r.body.error.message.includes(a.url) && r.body.error.message.includes(b.url), r.body.error.message);
  });

  it('brings a replica back when its health check passes again', async () => {
    a.mode = 'fail500';
    await backend().checkAll();
    assert.equal(backend().stats().replicas.find((x) => x.url === a.url)?.healthy, false);
    for (let i = 0; i < 4; i++) assert.equal(servedBy(await complete(`q${i}`)), 'B');
    a.mode = 'ok';
    await backend().checkAll();
    assert.equal(backend().stats().replicas.find((x) => x.url === a.url)?.healthy, true);
  });

  it('forwards embeddings', async () => {
    const r = await postJson(`${s.url}/v1/embeddings`, { model: 'up-model', input: 'x' });
    assert.deepEqual(r.body.data[0].embedding, [1, 2, 3]);
  });
});

describe('upstream discovery from a bare URL', () => {
  it('serves every model the upstream lists, with its max_model_len as n_ctx', async () => {
    const u = await fakeUpstream('U', ['m1', 'm2']);
    const s = await startServer({ upstreams: [u.url], healthIntervalS: 3600 }, false);
    try {
      const caps = await (await fetch(`${s.url}/refact-caps`)).json();
      assert.deepEqual(Object.keys(caps.chat.models).sort(), ['m1', 'm2']);
      assert.equal(caps.chat.models.m1.n_ctx, 4096);
    } finally {
      await s.close();
      await u.stop();
    }
  });
});
