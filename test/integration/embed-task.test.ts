/**
 * The `embed` task: a real onnxruntime session on the generated tiny model, inside the real
 * piscina pool (tasks from sources; workers inherit the tsx loader).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalEmbedder } from '../../server/services/embedder';
import { WorkerPool } from '../../server/services/worker-pool';
import { embed } from '../../server/workers/embed';
import { tinyEmbedder } from '../helpers/tiny-embedder';

const SOURCES: Record<string, string> = { embed: join(__dirname, '..', '..', 'server', 'workers', 'embed.ts') };

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));
}

describe('embed task (onnxruntime-node on the tiny fixture model)', () => {
  let pool: WorkerPool;
  let model: { model: string; tokenizer: string; maxTokens: number };
  before(async () => {
    const fixture = await tinyEmbedder();
    model = { model: fixture.model, tokenizer: fixture.tokenizer, maxTokens: 64 };
    pool = new WorkerPool({ workersDir: '', moduleFile: (m) => SOURCES[m]!, threads: 2 });
  });
  after(() => pool.dispose());

  it('mean-pools and normalizes, and padding in a batch changes nothing', async () => {
    const texts = ['def get_user(self): return self.user', 'x', 'class Goat(Animal): def jump(self, height): return height'];
    const batch = await embed({ model, texts });
    assert.equal(batch.dims, 32);
    assert.equal(batch.vectors.length, 3 * 32);
    for (let i = 0; i < 3; i++) {
      const v = batch.vectors.subarray(i * 32, (i + 1) * 32);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, `row ${i} has norm ${norm(v)}`);
      const alone = await embed({ model, texts: [texts[i]!] });
      assert.ok(cosine(v, alone.vectors) > 0.99999, `row ${i} differs when embedded alone`);
    }
  });

  it('runs in the pool, in parallel, and similar texts land nearer than unrelated ones', async () => {
    const embedder = new LocalEmbedder(pool, model, 'tiny@local', 32);
    const [a, b] = await Promise.all([
      embedder.embed(['goat jump height weight', 'goat jump height age']),
      embedder.embed(['http request response cache server']),
    ]);
    assert.ok(a.ok && b.ok);
    assert.ok(cosine(a.vectors[0]!, a.vectors[1]!) > cosine(a.vectors[0]!, b.vectors[0]!));
  });

  it('cuts texts longer than the model context instead of failing', async () => {
    const long = 'user name '.repeat(500);
    const out = await embed({ model, texts: [long] });
    assert.equal(out.vectors.length, 32);
    assert.ok(Number.isFinite(out.vectors[0]!));
  });

  it('reports a missing model file as an outcome', async () => {
    const embedder = new LocalEmbedder(pool, { ...model, model: '/nonexistent/model.onnx' }, 'x', 32);
    const outcome = await embedder.embed(['a']);
    assert.equal(outcome.ok, false);
    assert.match((outcome as { error: string }).error, /does not exist/);
  });
});
