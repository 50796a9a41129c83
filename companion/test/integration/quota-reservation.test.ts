import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionRequest } from '../../../src/protocol/openai';
import { completionCost } from '../../src/tokens/request-cost';
import { FAKE_USAGE, fakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { postJson, startServer, waitFor, type TestServer } from '../helpers/server';

const ADMIN = { authorization: 'Bearer admin-secret' };
const PARALLEL = 16;

async function makeToken(s: TestServer, name: string, dailyTokenQuota: number): Promise<{ secret: string; id: string }> {
  const made = await postJson(`${s.url}/admin/api/tokens`, { name, dailyTokenQuota }, ADMIN);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return { secret: made.body.secret, id: made.body.token.id };
}

async function usageOf(s: TestServer, id: string): Promise<{ dayTokens: number; requests: number }> {
  const res = await fetch(`${s.url}/admin/api/tokens`, { headers: ADMIN });
  return ((await res.json()) as any).tokens.find((t: { id: string }) => t.id === id).usage;
}

/** The quota that fits `n` requests' holds and not one more. */
const quotaFor = (n: number, cost: number) => n * cost + cost - 1;

describe('quota holds: parallel requests never together pass a quota', () => {
  describe('through an upstream that keeps every request waiting', () => {
    let s: TestServer;
    let up: FakeUpstream;
    before(async () => {
      up = await fakeUpstream('Q', ['up-model']);
      s = await startServer({ upstreams: [`up-model=${up.url}`], healthIntervalS: 3600, adminToken: 'admin-secret' }, false);
    });
    after(async () => {
      // A failed assertion may leave requests held upstream; answer them so the server can close.
      up.releaseHeld();
      await s.close();
      await up.stop();
    });

    it(`${PARALLEL} parallel requests against a quota that fits 4: 4 run, the rest get 429 insufficient_quota`, async () => {
      const req: CompletionRequest = { model: 'up-model', prompt: 'def add(a, b):', max_tokens: 20 };
      const cost = completionCost(req, s.composed.deps.catalog.find('up-model')?.info);
      const quota = quotaFor(4, cost);
      const { secret, id } = await makeToken(s, 'parallel', quota);
      up.mode = 'hold';
      let answered = 0;
      const results = Array.from({ length: PARALLEL }, () =>
        postJson(`${s.url}/v1/completions`, req, { authorization: `Bearer ${secret}` }).then((r) => ((answered += 1), r)),
      );
      // Every request is either waiting upstream (admitted) or answered (refused) before any ends.
      await waitFor(() => up.heldCount + answered === PARALLEL, 'every request admitted or refused');
      assert.equal(up.heldCount, 4, 'admitted while the others were still in flight');
      up.releaseHeld();
      const all = await Promise.all(results);
      const ok = all.filter((r) => r.status === 200);
      const refused = all.filter((r) => r.status !== 200);
      assert.equal(ok.length, 4);
      for (const r of refused) {
        assert.equal(r.status, 429);
        assert.equal(r.body.error.code, 'insufficient_quota');
        assert.match(r.body.error.message, /held by requests in flight/);
      }
      const usage = await usageOf(s, id);
      assert.equal(usage.requests, 4);
      assert.equal(usage.dayTokens, 4 * FAKE_USAGE.total_tokens, 'each settled with what it really spent');
      assert.ok(usage.dayTokens <= quota);
      assert.equal(s.composed.deps.tokens.heldFor(s.composed.deps.tokens.find(secret)!), 0, 'every hold settled or released');
    });

    it('releases the hold of a request the upstream refuses, and of one that fails before it starts', async () => {
      const req: CompletionRequest = { model: 'up-model', prompt: 'x', max_tokens: 10 };
      const cost = completionCost(req, s.composed.deps.catalog.find('up-model')?.info);
      const { secret } = await makeToken(s, 'refused', cost);
      const auth = { authorization: `Bearer ${secret}` };
      up.mode = 'refuse400';
      assert.equal((await postJson(`${s.url}/v1/completions`, req, auth)).status, 400);
      assert.equal((await postJson(`${s.url}/v1/completions`, { ...req, model: 'nope' }, auth)).status, 404);
      assert.equal((await postJson(`${s.url}/v1/completions`, { ...req, prompt: '' }, auth)).status, 400);
      up.mode = 'ok';
      // Nothing was spent or left held: the whole quota is still there for one request.
      assert.equal((await postJson(`${s.url}/v1/completions`, req, auth)).status, 200);
    });
  });

  describe('on the tiny GGUF', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ adminToken: 'admin-secret', parallel: 4 });
    });
    after(async () => s.close());

    it(`${PARALLEL} parallel completions: the recorded usage stays within the quota`, async () => {
      const req: CompletionRequest = { model: 'tiny-llama', prompt: 'def add(a, b):', max_tokens: 24, temperature: 0 };
      const cost = completionCost(req, s.composed.deps.catalog.find('tiny-llama')?.info);
      const quota = quotaFor(4, cost);
      const { secret, id } = await makeToken(s, 'local', quota);
      const all = await Promise.all(Array.from({ length: PARALLEL }, () => postJson(`${s.url}/v1/completions`, req, { authorization: `Bearer ${secret}` })));
      const ok = all.filter((r) => r.status === 200);
      // The first four always fit; later ones may too, once earlier ones settled below their hold.
      assert.ok(ok.length >= 4, `only ${ok.length} succeeded`);
      for (const r of all.filter((x) => x.status !== 200)) assert.equal(r.body.error.code, 'insufficient_quota');
      const spent = ok.reduce((sum, r) => sum + r.body.usage.total_tokens, 0);
      const usage = await usageOf(s, id);
      assert.equal(usage.dayTokens, spent, 'usage is what the answers say they spent');
      assert.ok(usage.dayTokens <= quota, `used ${usage.dayTokens} of ${quota}`);
      assert.ok((spent / ok.length) * PARALLEL > quota, 'the test spends enough that 16 unchecked requests would pass the quota');
    });
  });
});
