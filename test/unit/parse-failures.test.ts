import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTransientOutcome, MAX_PARSE_ATTEMPTS, ParseFailures } from '../../server/core/ast/parse-failures';
import type { ParseOutcome } from '../../server/core/ast/types';

const crash = (path: string) => ({ ok: false, path, reason: 'task-crashed', message: 'worker exited' }) as const;

describe('parse failures (which outcomes are retried, how often)', () => {
  it('tells passing failures from facts about the file', () => {
    const skip = (reason: string) => ({ ok: false, path: 'a.py', reason, message: '' }) as ParseOutcome;
    assert.deepEqual(
      ['task-crashed', 'task-timeout', 'parse-timeout', 'aborted', 'too-large', 'generated', 'unsupported-language', 'parse-failed'].map((r) => isTransientOutcome(skip(r))),
      [true, true, true, true, false, false, false, false],
    );
  });

  it('retries a file until its third failed attempt on the same content, then reports it', () => {
    const failures = new ParseFailures();
    for (let attempt = 1; attempt < MAX_PARSE_ATTEMPTS; attempt++) {
      assert.equal(failures.note('/w/a.py', 'h1', crash('/w/a.py')), attempt);
      assert.deepEqual([failures.due(), failures.givenUp()], [['/w/a.py'], []]);
    }
    assert.equal(failures.note('/w/a.py', 'h1', crash('/w/a.py')), 3);
    assert.deepEqual(failures.due(), []);
    assert.deepEqual(failures.givenUp(), [{ path: '/w/a.py', reason: 'task-crashed', message: 'worker exited', attempts: 3 }]);
    // New content counts from one again.
    assert.equal(failures.note('/w/a.py', 'h2', crash('/w/a.py')), 1);
    assert.deepEqual(failures.due(), ['/w/a.py']);
  });

  it('forgets files that parsed, or that are no longer listed', () => {
    const failures = new ParseFailures();
    failures.note('/w/a.py', 'h', crash('/w/a.py'));
    failures.note('/w/b.py', 'h', crash('/w/b.py'));
    failures.note('/w/c.py', 'h', crash('/w/c.py'));
    failures.clear('/w/a.py');
    failures.keepOnly(new Set(['/w/a.py', '/w/b.py']));
    assert.deepEqual(failures.due(), ['/w/b.py']);
  });
});
