import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FileChange } from '../../server/core/change-batcher';
import { FileWatcher } from '../../server/services/file-watcher';
import { createLogger } from '../../server/services/logger';
import { tempDir } from '../helpers/engine-process';

const logger = createLogger({ kind: 'stderr' }, 'error');

/** Collects batches until `done` says the collected changes are complete, or fails after 20 s. */
function collect(fileWatcher: FileWatcher, done: (changes: Map<string, string>) => boolean) {
  const changes = new Map<string, string>();
  let batches = 0;
  return new Promise<{ changes: Map<string, string>; batches: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`incomplete after 20 s: ${changes.size} changes in ${batches} batches`)), 20_000);
    fileWatcher.onBatch((batch: FileChange[]) => {
      batches++;
      for (const change of batch) changes.set(change.path, change.kind);
      if (done(changes)) {
        clearTimeout(timer);
        resolve({ changes, batches });
      }
    });
  });
}

describe('file watcher', () => {
  it('sees a 5,000-file checkout outside the editor in a few coalesced batches', async () => {
    const root = tempDir('watch');
    const fileWatcher = new FileWatcher(logger);
    try {
      await fileWatcher.watch(root);
      const paths = Array.from({ length: 5000 }, (_, i) => join(root, `pkg${i % 50}`, `file${i}.ts`));
      const seen = collect(fileWatcher, (changes) => paths.every((p) => changes.has(p)));
      // Files written into folders made a moment before: the watch on a new folder can come too
      // late for them, so the watcher must list new folders itself.
      for (let d = 0; d < 50; d++) mkdirSync(join(root, `pkg${d}`));
      for (const path of paths) writeFileSync(path, 'export const x = 1;\n');
      const { batches } = await seen;
      assert.ok(batches <= 20, `${batches} batches for 5,000 files`);
    } finally {
      await fileWatcher.dispose();
    }
  });

  it('reports deletions and editor-reported changes, and ignores node_modules', async () => {
    const root = tempDir('watch');
    writeFileSync(join(root, 'gone.py'), 'x = 1\n');
    const fileWatcher = new FileWatcher(logger);
    try {
      await fileWatcher.watch(root);
      const seen = collect(fileWatcher, (changes) => changes.has(join(root, 'gone.py')) && changes.has('/elsewhere/edited.ts') && changes.has(join(root, 'marker.ts')));
      mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
      writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'x\n');
      rmSync(join(root, 'gone.py'));
      fileWatcher.report([{ path: '/elsewhere/edited.ts', kind: 'changed' }]);
      writeFileSync(join(root, 'marker.ts'), 'x\n');
      const { changes } = await seen;
      assert.equal(changes.get(join(root, 'gone.py')), 'deleted');
      assert.equal(changes.get('/elsewhere/edited.ts'), 'changed');
      assert.equal([...changes.keys()].some((p) => p.includes('node_modules')), false);
    } finally {
      await fileWatcher.dispose();
    }
  });
});
