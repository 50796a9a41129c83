import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { postJson, startServer, waitFor, type TestServer } from '../helpers/server';

describe('parallel sequences, the queue and disconnects', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ parallel: 4, maxQueue: 32 });
  });
  after(async () => s.close());

  const backend = () => {
    const b = s.composed.deps.catalog.find('tiny-llama');
    assert.ok(b);
    return b;
  };

  it('completes 16 concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        postJson(`${s.url}/v1/completions`, { model: 'tiny-llama', prompt: `hello world ${i}`, max_tokens: 4, temperature: 0, stream: i % 2 === 0 }),
      ),
    );
    for (const r of results) assert.equal(r.status, 200);
    assert.equal(backend().stats().active, 0);
    assert.equal(backend().stats().queued, 0);
  });

  it('frees the slot when a streaming client disconnects', async () => {
    const maxTokens = 1000;
    const prompt = 'the long story';
    // Greedy decoding is deterministic: this prompt runs to max_tokens when nobody stops it.
    const reference = await postJson(`${s.url}/v1/completions`, { model: 'tiny-llama', prompt, max_tokens: maxTokens, temperature: 0 });
    assert.equal(reference.body.choices[0].finish_reason, 'length');
    const generated = () => Number(s.composed.deps.metrics.render().match(/refact_completion_tokens_total\{model="tiny-llama"\} (\d+)/)?.[1] ?? 0);
    const before = generated();
    // Hold all four slots with the same long stream, read one chunk from each, then hang up.
    await Promise.all(
      Array.from({ length: 4 }, () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(`${s.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
          req.end(JSON.stringify({ model: 'tiny-llama', prompt, max_tokens: maxTokens, temperature: 0, stream: true }));
        }),
      ),
    );
    await waitFor(() => backend().stats().active === 0, 'the aborted generations to release their sequences');
    const spent = generated() - before;
    // Had the streams run on, 4 × 1000 tokens would have been generated.
    assert.ok(spent < 2 * maxTokens, `the aborted streams generated ${spent} tokens`);
    // A fresh request gets a slot at once and finishes.
    const r = await postJson(`${s.url}/v1/completions`, { model: 'tiny-llama', prompt: 'next', max_tokens: 2, temperature: 0 });
    assert.equal(r.status, 200);
  });
});
