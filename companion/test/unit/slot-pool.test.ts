import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlotPool } from '../../src/backends/local/slot-pool';
import { ApiError, ClientGone } from '../../src/http/api-error';

describe('SlotPool', () => {
  const live = () => new AbortController().signal;

  it('hands out free slots, then queues FIFO, then refuses with 429', async () => {
    const pool = new SlotPool(['s1'], 2, () => 3);
    const s1 = await pool.acquire(live());
    const order: string[] = [];
    const w1 = pool.acquire(live()).then((s) => order.push(`w1:${s}`));
    const w2 = pool.acquire(live()).then((s) => order.push(`w2:${s}`));
    assert.equal(pool.queued, 2);
    await assert.rejects(pool.acquire(live()), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 429);
      assert.equal(err.headers['retry-after'], '3');
      return true;
    });
    pool.release(s1);
    await w1;
    pool.release('s1');
    await w2;
    assert.deepEqual(order, ['w1:s1', 'w2:s1']);
  });

  it('drops a waiter whose client disconnects', async () => {
    const pool = new SlotPool(['s1'], 4);
    const held = await pool.acquire(live());
    const ac = new AbortController();
    const waiting = pool.acquire(ac.signal);
    ac.abort();
    await assert.rejects(waiting, ClientGone);
    assert.equal(pool.queued, 0);
    pool.release(held);
    assert.equal(pool.active, 0);
  });

  it('lets the caller pick among free slots (prefix reuse)', async () => {
    const pool = new SlotPool(['a', 'b', 'c'], 0);
    assert.equal(await pool.acquire(live(), (free) => free.indexOf('c')), 'c');
  });
});
