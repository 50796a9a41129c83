import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../helpers/engine-process';

/** Lets every pending promise step run (an immediate runs after the microtask queue is empty). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('eventually (the engine tests\' readiness poll)', () => {
  it('polls with a short backoff, 10 ms doubling to 200 ms, never in a busy loop', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let calls = 0;
    const ready = eventually('the state', async () => (++calls === 8 ? 'ready' : null), 60_000);
    await settle();
    assert.equal(calls, 1, 'one poll, then a wait');
    for (const delay of [10, 20, 40, 80, 160, 200, 200]) {
      const before: number = calls;
      t.mock.timers.tick(delay - 1);
      await settle();
      assert.equal(calls, before, `no poll before ${delay} ms`);
      t.mock.timers.tick(1);
      await settle();
      assert.equal(calls, before + 1, `one poll after ${delay} ms`);
    }
    assert.equal(await ready, 'ready');
  });
});
