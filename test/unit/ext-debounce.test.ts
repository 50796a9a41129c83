import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAt, DebouncePolicy, DEFAULT_DEBOUNCE } from '../../src/completion/debounce';

/** Feeds keystrokes `gapMs` apart starting at `start`; returns the time of the last one. */
function type(policy: DebouncePolicy, count: number, gapMs: number, start = 1000): number {
  let t = start;
  for (let i = 0; i < count; i++) {
    policy.keystroke(t);
    if (i < count - 1) t += gapMs;
  }
  return t;
}

describe('adaptive debounce', () => {
  it('asks at once at a line start, whatever the typing speed', () => {
    const policy = new DebouncePolicy();
    const now = type(policy, 20, 60);
    assert.deepEqual(policy.decide({ nowMs: now, linePrefix: '    ' }), { delayMs: 0, reason: 'line-start' });
    assert.deepEqual(policy.decide({ nowMs: now, linePrefix: '' }), { delayMs: 0, reason: 'line-start' });
  });

  it('asks at once after a pause, and waits while the user types in a burst', () => {
    const policy = new DebouncePolicy();
    let now = type(policy, 20, 80);
    const typing = policy.decide({ nowMs: now, linePrefix: 'const x = ' });
    assert.equal(typing.reason, 'typing');
    assert.equal(typing.delayMs, 80 * DEFAULT_DEBOUNCE.typingGapFactor);
    now += 900;
    policy.keystroke(now);
    assert.deepEqual(policy.decide({ nowMs: now, linePrefix: 'const x = f' }), { delayMs: 0, reason: 'pause' });
  });

  it('learns the typing speed: a slower typist waits longer, and the pause threshold follows the gap', () => {
    const fast = new DebouncePolicy();
    const slow = new DebouncePolicy();
    const fastDelay = fast.decide({ nowMs: type(fast, 30, 70), linePrefix: 'let a' }).delayMs;
    const slowDelay = slow.decide({ nowMs: type(slow, 30, 250), linePrefix: 'let a' }).delayMs;
    assert.ok(slowDelay > fastDelay, `${slowDelay} > ${fastDelay}`);
    assert.equal(fast.pauseThresholdMs(), DEFAULT_DEBOUNCE.pauseFloorMs);
    assert.equal(slow.pauseThresholdMs(), 750);
    // The same 700 ms gap is a pause for the fast typist (threshold 600) but typing for the slow one (750).
    const fastNext = fast.decide({ nowMs: type(fast, 1, 0, 1000 + 29 * 70 + 700), linePrefix: 'let ab' });
    const slowNext = slow.decide({ nowMs: type(slow, 1, 0, 1000 + 29 * 250 + 700), linePrefix: 'let ab' });
    assert.equal(fastNext.reason, 'pause');
    assert.equal(slowNext.reason, 'typing');
  });

  it('takes part of the model latency off the wait, within the bounds', () => {
    const policy = new DebouncePolicy();
    const now = type(policy, 10, 200);
    const before = policy.decide({ nowMs: now, linePrefix: 'foo(' }).delayMs;
    for (let i = 0; i < 10; i++) policy.latency(400);
    const after = policy.decide({ nowMs: now, linePrefix: 'foo(' }).delayMs;
    assert.equal(before, 300);
    assert.equal(after, 300 - 400 * DEFAULT_DEBOUNCE.latencyShare);
    for (let i = 0; i < 10; i++) policy.latency(10_000);
    assert.equal(policy.decide({ nowMs: now, linePrefix: 'foo(' }).delayMs, DEFAULT_DEBOUNCE.minTypingMs);
    const sleepy = new DebouncePolicy();
    assert.equal(sleepy.decide({ nowMs: type(sleepy, 30, 1500), linePrefix: 'a' }).reason, 'typing', 'gaps under the learned ceiling are typing when the pause threshold grows with them');
    assert.equal(sleepy.decide({ nowMs: type(sleepy, 30, 1500, 10_000_000), linePrefix: 'a' }).delayMs, DEFAULT_DEBOUNCE.maxTypingMs);
  });

  it('ignores gaps when the user went away, and a manual request never waits', () => {
    const policy = new DebouncePolicy();
    type(policy, 10, 100);
    policy.keystroke(1_000_000);
    assert.equal(policy.usualGapMs(), 100, 'the long gap was not learned');
    assert.deepEqual(policy.decide({ nowMs: 1_000_050, linePrefix: 'ab', manual: true }), { delayMs: 0, reason: 'manual' });
    const fresh = new DebouncePolicy();
    fresh.keystroke(5);
    assert.deepEqual(fresh.decide({ nowMs: 5, linePrefix: 'a' }), { delayMs: 0, reason: 'first-key' });
  });

  it('a request right after a keystroke is judged by that keystroke; one long after it counts as a pause', () => {
    const policy = new DebouncePolicy();
    const last = type(policy, 20, 100);
    assert.deepEqual(decideAt(policy, last + 5, 'let x'), { delayMs: 150, reason: 'typing' });
    assert.deepEqual(decideAt(policy, last + 5000, 'let x'), { delayMs: 0, reason: 'pause' });
  });
});
