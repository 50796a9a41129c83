import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplicaSet } from '../../src/backends/upstream/replica-set';

describe('ReplicaSet routing', () => {
  const urls = ['http://r1', 'http://r2', 'http://r3'];

  it('orders by affinity, stably for one key', () => {
    const set = new ReplicaSet(urls);
    const first = set.order('key-1')[0]?.url;
    for (let i = 0; i < 10; i++) assert.equal(set.order('key-1')[0]?.url, first);
    assert.equal(set.order('key-1').length, 3);
  });

  it('leaves the affine replica when it is much busier than the least loaded', () => {
    const set = new ReplicaSet(urls);
    const affine = set.order('key-2')[0];
    assert.ok(affine);
    affine.inFlight = 4;
    assert.equal(set.order('key-2')[0], affine, 'within the slack affinity holds');
    affine.inFlight = 10;
    const next = set.order('key-2')[0];
    assert.notEqual(next, affine);
    assert.equal(next?.inFlight, 0);
  });

  it('puts down replicas last, and tries all when none is healthy', () => {
    const set = new ReplicaSet(urls);
    const [r1, r2, r3] = set.replicas;
    set.markDown(r1!, 'x');
    set.markDown(r2!, 'y');
    assert.equal(set.order('k')[0], r3);
    set.markDown(r3!, 'z');
    assert.equal(set.order('k').length, 3);
    set.markUp(r2!);
    assert.equal(set.order('k')[0], r2);
  });

  it('spreads many keys over all replicas', () => {
    const set = new ReplicaSet(urls);
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const u = set.order(`k${i}`)[0]?.url ?? '';
      counts.set(u, (counts.get(u) ?? 0) + 1);
    }
    for (const u of urls) assert.ok((counts.get(u) ?? 0) > 50, `${u}: ${counts.get(u)}`);
  });
});
