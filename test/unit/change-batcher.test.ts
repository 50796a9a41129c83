import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeBatcher } from '../../server/core/change-batcher';

describe('change batcher', () => {
  const timing = { quietMs: 100, maxWaitMs: 1000 };

  it('lets a batch go after a quiet period, last kind per path', () => {
    const batcher = new ChangeBatcher(timing);
    batcher.add([{ path: '/a', kind: 'created' }, { path: '/b', kind: 'changed' }], 0);
    batcher.add([{ path: '/a', kind: 'changed' }, { path: '/b', kind: 'deleted' }], 50);
    assert.equal(batcher.dueIn(60), 90);
    assert.equal(batcher.take(60), null);
    assert.deepEqual(batcher.take(150), [{ path: '/a', kind: 'created' }, { path: '/b', kind: 'deleted' }]);
    assert.equal(batcher.dueIn(150), null);
  });

  it('treats delete then create (an atomic save) as a change', () => {
    const batcher = new ChangeBatcher(timing);
    batcher.add([{ path: '/a', kind: 'deleted' }], 0);
    batcher.add([{ path: '/a', kind: 'created' }], 1);
    assert.deepEqual(batcher.take(200), [{ path: '/a', kind: 'changed' }]);
  });

  it('lets a batch go after maxWait under continuous churn', () => {
    const batcher = new ChangeBatcher(timing);
    for (let t = 0; t <= 1000; t += 50) batcher.add([{ path: `/f${t}`, kind: 'created' }], t);
    assert.equal(batcher.dueIn(1000), 0);
    assert.equal(batcher.take(1000)?.length, 21);
  });

  it('can be forced, and ignores empty input', () => {
    const batcher = new ChangeBatcher(timing);
    batcher.add([], 0);
    assert.equal(batcher.take(0, true), null);
    batcher.add([{ path: '/a', kind: 'changed' }], 0);
    assert.deepEqual(batcher.take(1, true), [{ path: '/a', kind: 'changed' }]);
  });
});
