import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialStatus, reduceStatus, statusView, type StatusEvent, type StatusState } from '../../src/status/status-state';

function run(events: StatusEvent[], start: StatusState = initialStatus({ paused: false, xDebug: false })): StatusState {
  return events.reduce(reduceStatus, start);
}
const READY: StatusEvent[] = [{ type: 'engine-running', httpPort: 4321 }, { type: 'caps-loaded', completionModel: 'refact_self_hosted/tiny-llama' }];

describe('status bar state', () => {
  it('starts as starting, says where it connects with xDebug, and is ready with the model once caps arrive', () => {
    assert.equal(statusView(run([])).kind, 'starting');
    assert.match(statusView(initialStatus({ paused: false, xDebug: true })).tooltip, /127\.0\.0\.1:8001 \(xDebug\)/);
    const running = run([{ type: 'engine-running', httpPort: 4321 }]);
    assert.equal(statusView(running).kind, 'starting', 'no caps yet');
    const view = statusView(run(READY));
    assert.equal(view.kind, 'ready');
    assert.equal(view.text, '$(check) refact_self_hosted/tiny-llama');
    assert.match(view.tooltip, /Engine running \(HTTP 127\.0\.0\.1:4321\)/);
    assert.match(view.tooltip, /Completion model: refact_self_hosted\/tiny-llama/);
  });

  it('shows indexing with its progress from $/progress until the token ends', () => {
    const begun = run([...READY, { type: 'progress-begin', token: 't1', title: 'Refact TS: indexing', percentage: 0, message: '0/10 files' }]);
    assert.equal(statusView(begun).text, '$(sync~spin) Refact TS: indexing 0%');
    const reported = reduceStatus(begun, { type: 'progress-report', token: 't1', percentage: 40, message: '4/10 files' });
    assert.equal(statusView(reported).text, '$(sync~spin) Refact TS: indexing 40%');
    assert.match(statusView(reported).tooltip, /4\/10 files/);
    assert.equal(reduceStatus(reported, { type: 'progress-report', token: 'other', percentage: 99 }), reported, 'an unknown token changes nothing');
    assert.equal(statusView(reduceStatus(reported, { type: 'progress-end', token: 't1' })).kind, 'ready');
  });

  it('counts requests in flight and remembers the model that answered and the last error', () => {
    const one = run([...READY, { type: 'request-start' }, { type: 'request-start' }]);
    assert.equal(statusView(one).kind, 'busy');
    assert.equal(statusView(one).text, '$(loading~spin) refact_self_hosted/tiny-llama');
    const half = reduceStatus(one, { type: 'request-end', model: 'm2' });
    assert.equal(statusView(half).kind, 'busy');
    const done = reduceStatus(half, { type: 'request-end', error: 'upstream 502' });
    assert.equal(statusView(done).kind, 'ready');
    assert.equal(done.lastModel, 'm2');
    assert.match(statusView(done).tooltip, /Last request failed: upstream 502/);
    assert.equal(reduceStatus(done, { type: 'request-end' }).inFlight, 0, 'never below zero');
    const timed = run([{ type: 'request-start' }, { type: 'request-end', model: 'm', waitMs: 45, engineMs: 120 }], run(READY));
    assert.match(statusView(timed).tooltip, /Last completion: 120 ms from the engine after a 45 ms wait\./);
    assert.deepEqual(reduceStatus(timed, { type: 'request-end', error: 'x' }).lastTiming, { waitMs: 45, engineMs: 120 }, 'a failed request keeps the last timing');
  });

  it('paused, privacy-blocked and file-limit states, each readable at a glance', () => {
    assert.equal(statusView(run([...READY, { type: 'paused', paused: true }])).text, '$(debug-pause) Refact TS: paused');
    assert.equal(statusView(run([...READY, { type: 'paused', paused: true }, { type: 'paused', paused: false }])).kind, 'ready');
    const privacy = statusView(run([...READY, { type: 'privacy', blocked: true }]));
    assert.equal(privacy.kind, 'privacy');
    assert.match(privacy.tooltip, /private/);
    const limit = statusView(run([...READY, { type: 'index-limits', ast: true, vecdb: false }]));
    assert.equal(limit.kind, 'limit');
    assert.equal(limit.severity, 'warning');
    assert.match(limit.tooltip, /AST file limit hit/);
    assert.match(statusView(run([...READY, { type: 'index-limits', ast: true, vecdb: true }])).tooltip, /AST and VecDB file limit hit/);
  });

  it('failures win over everything, with the reason in the tooltip', () => {
    const capsFailed = statusView(run([...READY, { type: 'caps-failed', reason: 'connect ECONNREFUSED 127.0.0.1:8008' }, { type: 'request-start' }]));
    assert.equal(capsFailed.kind, 'caps-failed');
    assert.equal(capsFailed.severity, 'error');
    assert.match(capsFailed.tooltip, /ECONNREFUSED 127\.0\.0\.1:8008/);
    const unreachable = statusView(run([...READY, { type: 'paused', paused: true }, { type: 'engine-unreachable', reason: 'nothing listens on 127.0.0.1:8002' }]));
    assert.equal(unreachable.kind, 'unreachable');
    assert.match(unreachable.tooltip, /nothing listens on 127\.0\.0\.1:8002/);
    const crashed = run([...READY, { type: 'request-start' }, { type: 'engine-crashed', reason: 'exited 3 times in 3 minutes' }]);
    assert.equal(statusView(crashed).kind, 'crashed');
    assert.equal(crashed.inFlight, 0);
  });

  it('a new engine session forgets the old caps, progress and requests, but keeps pause and the chosen model', () => {
    const before = run([...READY, { type: 'paused', paused: true }, { type: 'model-chosen', model: 'other/model' }, { type: 'request-start' }, { type: 'progress-begin', token: 'x', title: 'i' }]);
    const after = reduceStatus(before, { type: 'engine-starting', xDebug: false });
    assert.equal(after.caps, null);
    assert.deepEqual(after.progress, {});
    assert.equal(after.inFlight, 0);
    assert.equal(after.paused, true);
    assert.equal(after.chosenModel, 'other/model');
    const ready = run(READY, after);
    assert.match(statusView(reduceStatus(ready, { type: 'paused', paused: false })).text, /other\/model/, 'the chosen model is shown, not the default');
  });
});
