/**
 * A parse task that crashes or times out is not a fact about the file: the AST index must not
 * store it, must retry it on the next pass (at most three times), and must then report it. The
 * faults are real (a worker thread that exits, a task that hangs past its limit), injected
 * through a wrapper around the real worker pool that picks which files suffer them.
 */
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ParseInput } from '../../server/core/ast/parse-file';
import { AstIndexService } from '../../server/services/ast-index-service';
import type { ParseRunner } from '../../server/services/ast-tasks';
import { DocumentsService } from '../../server/services/documents';
import { FileWatcher } from '../../server/services/file-watcher';
import { IndexStore } from '../../server/services/index-store';
import { createLogger } from '../../server/services/logger';
import { WorkerPool, type RunOptions } from '../../server/services/worker-pool';
import { WorkspaceService } from '../../server/services/workspace';
import { WorkspaceFiles } from '../../server/services/workspace-files';
import { tempDir, writeFiles } from '../helpers/engine-process';

const SOURCES: Record<string, string> = {
  parse: join(__dirname, '..', '..', 'server', 'workers', 'parse.ts'),
  faulty: join(__dirname, '..', 'fixtures', 'workers', 'faulty.ts'),
};
const logger = createLogger({ kind: 'stderr' }, 'error');

/**
 * The real pool, except that a file named in `faults` suffers its fault on its next N one-file
 * parse tasks: `crash` runs the faulty module's worker-exiting path, `hang` its endless loop under
 * a short task limit. A batch holding such a file fails as a whole (as a crash in it would), so
 * the caller goes on file by file. `attempts` counts one-file tasks per file name (one per pass
 * for a file that fails), `sent` names every file given to any task.
 */
function faultyPool(pool: WorkerPool, faults: Record<string, { fault: 'crash' | 'hang'; times: number }>): ParseRunner & { attempts: Map<string, number>; sent: Set<string> } {
  const attempts = new Map<string, number>();
  const sent = new Set<string>();
  const faultOf = (path: string) => {
    const f = faults[basename(path)];
    return f && f.times > 0 ? f : null;
  };
  return {
    attempts,
    sent,
    threads: pool.threads,
    run: async <I, O>(module: string, task: string, input: I, options: RunOptions = {}) => {
      if (task === 'parseMany') {
        const files = (input as { files: ParseInput[] }).files;
        for (const f of files) sent.add(basename(f.path));
        if (files.some((f) => faultOf(f.path))) return { ok: false, reason: 'failed', message: 'a file in the batch crashed its worker' } as const;
        return pool.run<I, O>(module, task, input, options);
      }
      const file = input as ParseInput;
      sent.add(basename(file.path));
      attempts.set(basename(file.path), (attempts.get(basename(file.path)) ?? 0) + 1);
      const f = faultOf(file.path);
      if (!f) return pool.run<I, O>(module, task, input, options);
      f.times--;
      const trigger = { ...file, path: f.fault } as unknown as I;
      return pool.run<I, O>('faulty', task, trigger, f.fault === 'hang' ? { ...options, timeoutMs: 500 } : options);
    },
  };
}

async function indexOnce(root: string, cacheDir: string, runner: ParseRunner) {
  const watcher = new FileWatcher(logger);
  const service = new AstIndexService({
    workspace: new WorkspaceService([root]),
    files: new WorkspaceFiles({ configDir: join(cacheDir, 'config'), home: cacheDir, logger, maxFiles: 1000 }),
    watcher,
    documents: new DocumentsService(),
    pool: runner,
    cacheDir,
    contentVersion: 'test',
    logger,
  });
  service.start();
  await service.idle();
  const status = service.status();
  const names = [...service.index.paths()].map((p) => basename(p)).sort();
  await service.dispose();
  await watcher.dispose();
  return { status, names };
}

function storedRows(cacheDir: string, root: string): Map<string, string> {
  const store = IndexStore.open(cacheDir, root, 'test', logger);
  try {
    return new Map([...store.outcomes()].map((row) => [basename(row.path), row.outcome]));
  } finally {
    store.close();
  }
}

describe('AST index: parse tasks that crash or time out', () => {
  const pool = new WorkerPool({ workersDir: '', moduleFile: (m) => SOURCES[m]!, threads: 2 });
  after(() => pool.dispose());

  it('retries on the next pass, stores only real outcomes, reports what never parsed, and parses it after a restart', async () => {
    const root = tempDir('ast-retry');
    const cacheDir = tempDir('ast-retry-cache');
    writeFiles(root, {
      'good.py': 'def good():\n    return 1\n',
      'flaky.py': 'def flaky():\n    return 2\n',
      'stuck.py': 'def stuck():\n    return 3\n',
      'crashy.py': 'def crashy():\n    return 4\n',
    });
    const runner = faultyPool(pool, { 'flaky.py': { fault: 'crash', times: 2 }, 'stuck.py': { fault: 'hang', times: 99 }, 'crashy.py': { fault: 'crash', times: 99 } });
    const first = await indexOnce(root, cacheDir, runner);

    // flaky.py crashed twice, then parsed on the third pass; the other two were tried three times, no more.
    assert.deepEqual(first.names, ['flaky.py', 'good.py']);
    assert.deepEqual(Object.fromEntries([...runner.attempts].filter(([name]) => name !== 'good.py').sort()), { 'crashy.py': 3, 'flaky.py': 3, 'stuck.py': 3 });
    const failed = first.status.failed_files.map((f) => ({ name: basename(f.path), reason: f.reason, attempts: f.attempts }));
    assert.deepEqual(failed, [
      { name: 'crashy.py', reason: 'task-crashed', attempts: 3 },
      { name: 'stuck.py', reason: 'task-timeout', attempts: 3 },
    ]);
    assert.equal(first.status.state, 'done');

    // The store holds the real outcomes only: a later start must not take a crash for the file's result.
    const rows = storedRows(cacheDir, root);
    assert.deepEqual([...rows.keys()].sort(), ['flaky.py', 'good.py']);

    // Restarted without faults, on the same store: the failed files parse, the others are reused.
    const healthy = faultyPool(pool, {});
    const second = await indexOnce(root, cacheDir, healthy);
    assert.deepEqual(second.names, ['crashy.py', 'flaky.py', 'good.py', 'stuck.py']);
    assert.deepEqual(second.status.failed_files, []);
    assert.deepEqual([...healthy.sent].sort(), ['crashy.py', 'stuck.py']);
  });
});
