import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countTokens, parseFile, parseFiles } from '../../server/services/ast-tasks';
import { WorkerPool, defaultThreads } from '../../server/services/worker-pool';
import type { ParseOutcome } from '../../server/core/ast/types';

// The pool runs the task modules from sources (workers inherit the tsx loader); `faulty` is a
// parse module that hangs, crashes or throws on purpose.
const SOURCES: Record<string, string> = {
  parse: join(__dirname, '..', '..', 'server', 'workers', 'parse.ts'),
  count: join(__dirname, '..', '..', 'server', 'workers', 'count.ts'),
  faulty: join(__dirname, '..', 'fixtures', 'workers', 'faulty.ts'),
};

function summary(outcome: ParseOutcome): string {
  return outcome.ok ? `ok ${outcome.file.definitions.map((d) => d.name).join(',')}` : `skipped ${outcome.reason}`;
}

describe('worker pool (real piscina threads)', () => {
  let pool: WorkerPool;
  before(() => {
    pool = new WorkerPool({ workersDir: '', moduleFile: (m) => SOURCES[m]!, threads: 2, maxQueue: 8 });
  });
  after(() => pool.dispose());

  it('sizes itself to cores minus one, at least one thread, with a bounded queue', () => {
    assert.equal(defaultThreads(), Math.max(1, (require('node:os') as typeof import('node:os')).availableParallelism() - 1));
    assert.equal(pool.threads, 2);
    assert.equal(pool.capacity, 10);
  });

  it('parses files and counts tokens by task name', async () => {
    const outcomes = await parseFiles(pool, [
      { path: 'a.py', text: 'def a(): pass\n' },
      { path: 'b.ts', text: 'export class B {}\n' },
      { path: 'c.go', text: 'package c\nfunc C() {}\n' },
    ]);
    assert.deepEqual(outcomes.map(summary), ['ok a', 'ok B', 'ok C']);
    assert.deepEqual(await countTokens(pool, 'cl100k_base', ['hello world', 'hello']), { ok: true, value: [2, 1] });
  });

  it('skips a file whose task hangs, crashes or throws, and parses the rest', async () => {
    const inputs = ['one.py', 'hang.py', 'two.py', 'crash.py', 'throw.py', 'three.py'].map((path) => ({ path, text: `def ${path.split('.')[0]}(): pass\n` }));
    const outcomes = await parseFiles(pool, inputs, { module: 'faulty', timeoutMs: 4000 });
    assert.deepEqual(outcomes.map(summary), ['ok one', 'skipped task-timeout', 'ok two', 'skipped task-crashed', 'skipped task-crashed', 'ok three']);
    const crashed = outcomes[3] as Extract<ParseOutcome, { ok: false }>;
    assert.equal(crashed.path, 'crash.py');
    assert.ok(crashed.message.length > 0);
  });

  it('retries a failed batch file by file, so one bad file does not sink its neighbours', async () => {
    const inputs = ['a.py', 'throw.py', 'b.py'].map((path) => ({ path, text: `def ${path.split('.')[0]}(): pass\n` }));
    const outcomes = await parseFiles(pool, inputs, { module: 'faulty', batch: 3 });
    assert.deepEqual(outcomes.map(summary), ['ok a', 'skipped task-crashed', 'ok b']);
  });

  it('aborts on the caller signal', async () => {
    const controller = new AbortController();
    const pending = parseFile(pool, { path: 'hang.py', text: '' }, { signal: controller.signal }, 'faulty');
    controller.abort();
    assert.equal(summary(await pending), 'skipped aborted');
    assert.equal(summary(await parseFile(pool, { path: 'after.py', text: 'def after(): pass\n' })), 'ok after');
  });

  it('runs the bundled task modules, which find their wasm in dist/server/grammars', async () => {
    // `npm test` builds dist first (pretest); this is the layout the engine ships.
    const bundled = new WorkerPool({ workersDir: join(__dirname, '..', '..', 'dist', 'server', 'workers'), threads: 1 });
    try {
      assert.equal(summary(await parseFile(bundled, { path: 'x.rs', text: 'struct X;\nfn make() -> X { X }\n' })), 'ok X,make');
      assert.deepEqual(await countTokens(bundled, 'o200k_base', ['hello world']), { ok: true, value: [2] });
    } finally {
      await bundled.dispose();
    }
  });

  it('answers closed after dispose instead of throwing', async () => {
    const own = new WorkerPool({ workersDir: '', moduleFile: (m) => SOURCES[m]!, threads: 1 });
    await own.dispose();
    assert.deepEqual(await own.run('parse', 'parse', { path: 'x.py', text: '' }), { ok: false, reason: 'closed', message: 'the worker pool is closed' });
  });
});
