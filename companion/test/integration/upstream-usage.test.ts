import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChatCompletionRequest, CompletionRequest } from '../../../src/protocol/openai';
import type { BackendReply, ModelInfo, RequestContext } from '../../src/backends/types';
import { HttpClient } from '../../src/backends/upstream/http-client';
import { UpstreamBackend } from '../../src/backends/upstream/upstream-backend';
import { Metrics } from '../../src/metrics';
import { ServerLog } from '../../src/server-log';
import { FAKE_USAGE, fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';

const info: ModelInfo = { name: 'up-model', backend: 'upstream', completion: true, chat: true, embedding: true, nCtx: 4096, embeddingSize: null, fim: null, supportsTools: true };
const est = (chars: number) => Math.ceil(chars / 4);
/** What the fake upstream generates: "from A". */
const GENERATED = est('from A'.length);

/** A request context whose onUsage records every call and resolves `first` on the first. */
function metered(signal = new AbortController().signal) {
  const calls: Array<[number, number]> = [];
  let resolveFirst!: () => void;
  const first = new Promise<void>((resolve) => (resolveFirst = resolve));
  const ctx: RequestContext = {
    signal,
    caller: 'anonymous',
    onUsage: (p, c) => {
      calls.push([p, c]);
      resolveFirst();
    },
  };
  return { ctx, calls, first };
}

async function text(reply: BackendReply): Promise<string> {
  assert.equal(reply.type, 'raw');
  const chunks: Buffer[] = [];
  for await (const c of reply.body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Lets pending close events and callbacks run, so a second report would have shown up. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('upstream usage for per-token quotas', () => {
  let up: FakeUpstream;
  let client: HttpClient;
  let backend: UpstreamBackend;
  before(async () => {
    up = await fakeUpstream('A');
    client = new HttpClient(null);
    backend = new UpstreamBackend(info, [up.url], client, new ServerLog(() => {}), new Metrics());
  });
  after(async () => {
    await backend.close();
    await up.stop();
  });
  beforeEach(() => {
    up.mode = 'ok';
    up.reportsUsage = true;
  });

  /** The upstream's own answer to `req`, fetched directly: what a client must see through the proxy. */
  const direct = async (path: string, req: object) =>
    (await fetch(`${up.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) })).text();

  const completion: CompletionRequest = { model: 'up-model', prompt: 'def hello_world():', max_tokens: 4 };
  const chat: ChatCompletionRequest = { model: 'up-model', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi there' }] }], max_tokens: 4 };
  const promptOf = { completion: est(completion.prompt.length), chat: est('be brief'.length + 'hi there'.length) };
  const cases: Array<{ name: string; kind: 'completion' | 'chat'; extra: Partial<CompletionRequest>; reports: boolean; usage: [number, number] }> = [
    { name: 'a JSON completion, from its usage', kind: 'completion', extra: {}, reports: true, usage: [FAKE_USAGE.prompt_tokens, FAKE_USAGE.completion_tokens] },
    { name: 'a JSON chat answer, from its usage', kind: 'chat', extra: {}, reports: true, usage: [FAKE_USAGE.prompt_tokens, FAKE_USAGE.completion_tokens] },
    { name: 'a JSON completion without usage, by estimate', kind: 'completion', extra: {}, reports: false, usage: [promptOf.completion, GENERATED] },
    { name: 'a JSON chat answer without usage, by estimate', kind: 'chat', extra: {}, reports: false, usage: [promptOf.chat, GENERATED] },
    { name: 'a stream whose client did not ask for usage', kind: 'completion', extra: { stream: true }, reports: true, usage: [FAKE_USAGE.prompt_tokens, FAKE_USAGE.completion_tokens] },
    { name: 'a chat stream whose client did not ask for usage', kind: 'chat', extra: { stream: true }, reports: true, usage: [FAKE_USAGE.prompt_tokens, FAKE_USAGE.completion_tokens] },
    { name: 'a stream whose client asked for usage', kind: 'completion', extra: { stream: true, stream_options: { include_usage: true } }, reports: true, usage: [FAKE_USAGE.prompt_tokens, FAKE_USAGE.completion_tokens] },
    { name: 'a stream from an upstream that sends no usage, by estimate', kind: 'completion', extra: { stream: true }, reports: false, usage: [promptOf.completion, GENERATED] },
    { name: 'a chat stream from an upstream that sends no usage, by estimate', kind: 'chat', extra: { stream: true }, reports: false, usage: [promptOf.chat, GENERATED] },
  ];
  for (const c of cases) {
    it(`reports ${c.name}, once, and the client sees the upstream's own answer`, async () => {
      up.reportsUsage = c.reports;
      const req = { ...(c.kind === 'completion' ? completion : chat), ...c.extra };
      const path = c.kind === 'completion' ? '/v1/completions' : '/v1/chat/completions';
      const m = metered();
      const reply = c.kind === 'completion' ? await backend.completion(req as CompletionRequest, m.ctx) : await backend.chat(req as ChatCompletionRequest, m.ctx);
      const seen = await text(reply);
      await m.first;
      await settle();
      assert.deepEqual(m.calls, [c.usage]);
      assert.equal(seen, await direct(path, req));
      if (c.extra.stream) {
        const sent = JSON.parse(up.bodies.at(-2) ?? '{}') as CompletionRequest;
        assert.equal(sent.stream_options?.include_usage, true, 'the upstream is asked for usage');
      }
    });
  }

  it('asks nothing more of the upstream when no quota listens', async () => {
    const reply = await backend.completion({ ...completion, stream: true }, { signal: new AbortController().signal, caller: 'anonymous' });
    assert.equal(await text(reply), await direct('/v1/completions', { ...completion, stream: true }));
    assert.equal((JSON.parse(up.bodies.at(-2) ?? '{}') as CompletionRequest).stream_options, undefined);
  });

  it('reports what an aborted stream had generated', async () => {
    up.mode = 'stallStream';
    up.reportsUsage = false;
    const m = metered();
    const reply = await backend.completion({ ...completion, stream: true }, m.ctx);
    assert.equal(reply.type, 'raw');
    const body = reply.body as AsyncIterable<Buffer> & { destroy: () => void };
    for await (const chunk of body) {
      assert.match(chunk.toString(), /from A/);
      break; // the client goes away after the first chunk
    }
    await m.first;
    await settle();
    assert.deepEqual(m.calls, [[promptOf.completion, GENERATED]]);
  });

  it('reports nothing spent, once, when the upstream refuses or no replica answers', async () => {
    up.mode = 'refuse400';
    const refused = metered();
    const reply = await backend.completion({ ...completion, stream: true }, refused.ctx);
    assert.equal(reply.type === 'raw' && reply.status, 400);
    await text(reply);
    await settle();
    assert.deepEqual(refused.calls, [[0, 0]]);

    up.mode = 'fail500';
    const failed = metered();
    await assert.rejects(backend.completion(completion, failed.ctx), /All upstreams/);
    await settle();
    assert.deepEqual(failed.calls, [[0, 0]]);
  });

  it('reports the prompt of embeddings, from usage or by estimate', async () => {
    const m = metered();
    await backend.embeddings({ model: 'up-model', input: ['abcd', 'efgh'] }, m.ctx);
    up.reportsUsage = false;
    await backend.embeddings({ model: 'up-model', input: ['abcd', 'efgh'] }, m.ctx);
    assert.deepEqual(m.calls, [
      [FAKE_USAGE.prompt_tokens, 0],
      [2, 0],
    ]);
  });
});
