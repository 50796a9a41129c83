import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/http/api-error';
import { RateLimiter } from '../../src/http/auth';

describe('RateLimiter', () => {
  it('allows N requests per minute per caller, then 429 with Retry-After', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(2, () => now);
    rl.take('a');
    rl.take('a');
    rl.take('b');
    assert.throws(() => rl.take('a'), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 429);
      assert.equal(err.headers['retry-after'], '60');
      return true;
    });
    now += 60_000;
    rl.take('a');
  });

  it('is off at 0', () => {
    const rl = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) rl.take('a');
  });
});
