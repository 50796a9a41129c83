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
  const replica = (up: FakeUpstream) => backend().stats().replicas.find((x) => x.url === up.url)!;
  /** Failed attempts on a replica, as /metrics counts them: proof that the replica was tried. */
  const failuresOf = (up: FakeUpstream) => {
    const head = `refact_upstream_failures_total{model="up-model",replica="${up.url}"} `;
    const line = s.composed.deps.metrics.render().split('\n').find((l) => l.startsWith(head));
    return line ? Number(line.slice(head.length)) : 0;
  };

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

  it('fails over when a replica dies, after trying it, and marks it down', async () => {
    const prompt = 'sticky prefix';
    const first = servedBy(await complete(prompt));
    const [dead, alive] = first === 'A' ? [a, b] : [b, a];
    await dead.stop();
    assert.deepEqual([replica(dead).healthy, replica(dead).lastError, failuresOf(dead)], [true, null, 0]);
    const r = await complete(prompt);
    assert.equal(r.status, 200);
    assert.equal(servedBy(r), alive.name);
    // The prompt's replica was tried first (one failed attempt, refused), then the other served.
    assert.equal(failuresOf(dead), 1);
    assert.equal(failuresOf(alive), 0);
    assert.equal(replica(dead).healthy, false);
    assert.match(replica(dead).lastError ?? '', /ECONNREFUSED|socket|closed/);
  });

  it('fails over on a 500 from a replica, after trying it', async () => {
    // A prompt that A serves while healthy: sent again, it must reach A first, then B.
    let i = 0;
    while (servedBy(await complete(`p${i}`, {}, `user-${i}`)) !== 'A') assert.ok(++i < 50, 'no prompt was routed to A');
    a.mode = 'fail500';
    const hitsBefore = a.hits.length;
    assert.equal(servedBy(await complete(`p${i}`, {}, `user-${i}`)), 'B');
    assert.equal(a.hits.length, hitsBefore + 1, 'A received the request and answered 500');
    assert.equal(failuresOf(a), 1);
    // Marked down, A is not tried again while B serves.
    for (let k = 0; k < 4; k++) assert.equal(servedBy(await complete(`q${k}`)), 'B');
    assert.equal(a.hits.length, hitsBefore + 1);
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
