import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IndexStore } from '../../server/services/index-store';
import { createLogger } from '../../server/services/logger';
import { tempDir } from '../helpers/engine-process';

const logger = createLogger({ kind: 'stderr' }, 'error');
const row = (path: string, hash = 'h1') => ({ path, hash, size: 10, mtimeMs: 1000, outcome: '{"ok":true}' });

describe('index store', () => {
  it('keeps files across reopen, replaces and deletes them', () => {
    const cache = tempDir('store');
    const store = IndexStore.open(cache, '/work/project', 'v1', logger);
    store.put([row('/work/project/a.ts'), row('/work/project/b.ts')]);
    store.put([row('/work/project/a.ts', 'h2')]);
    store.delete(['/work/project/b.ts']);
    store.close();
    const reopened = IndexStore.open(cache, '/work/project', 'v1', logger);
    assert.deepEqual(reopened.stamps().map((f) => [f.path, f.hash, f.size, f.mtimeMs]), [['/work/project/a.ts', 'h2', 10, 1000]]);
    assert.equal(reopened.outcome('/work/project/a.ts'), '{"ok":true}');
    assert.equal(reopened.outcome('/work/project/missing.ts'), undefined);
    reopened.close();
  });

  it('keeps one file per workspace root', () => {
    const cache = tempDir('store');
    const a = IndexStore.open(cache, '/work/a', 'v1', logger);
    const b = IndexStore.open(cache, '/work/b', 'v1', logger);
    a.put([row('/work/a/x.ts')]);
    assert.equal(b.count(), 0);
    assert.notEqual(a.file, b.file);
    a.close();
    b.close();
  });

  it('drops stored outcomes when the extractor version changes', () => {
    const cache = tempDir('store');
    const old = IndexStore.open(cache, '/p', 'extractor-1', logger);
    old.put([row('/p/a.ts')]);
    old.close();
    const fresh = IndexStore.open(cache, '/p', 'extractor-2', logger);
    assert.equal(fresh.count(), 0);
    fresh.close();
  });

  it('sets a corrupt file aside and starts empty', () => {
    const cache = tempDir('store');
    const first = IndexStore.open(cache, '/p', 'v1', logger);
    const file = first.file;
    first.close();
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const rebuilt = IndexStore.open(cache, '/p', 'v1', logger);
    assert.equal(rebuilt.count(), 0);
    rebuilt.put([row('/p/a.ts')]);
    assert.equal(rebuilt.count(), 1);
    assert.ok(readdirSync(join(cache, 'index')).some((name) => name.includes('.broken-')));
    rebuilt.close();
  });

  it('opens intact after kill -9 in the middle of writing, losing at most the last batch', async () => {
    const cache = tempDir('store');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../helpers/store-writer.ts'), cache, '/p'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      // Kill after a varying number of committed batches, so the kill lands mid-transaction.
      const target = 3 + round * 4;
      await new Promise<void>((resolve) => {
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if ((output.match(/batch \d+\n/g) ?? []).length >= target && child.exitCode === null && !child.killed) {
            child.kill('SIGKILL');
          }
        });
        child.once('exit', () => resolve());
      });
      const committed = (output.match(/batch \d+\n/g) ?? []).length;
      const store = IndexStore.open(cache, '/p', 'v1', logger);
      const count = store.count();
      store.close();
      assert.equal(count % 200, 0, `round ${round}: a torn batch (${count} rows)`);
      assert.ok(count / 200 >= committed, `round ${round}: ${count / 200} batches stored, ${committed} reported committed`);
      assert.equal(readdirSync(join(cache, 'index')).some((name) => name.includes('.broken-')), false, 'the store had to be rebuilt');
    }
  });
});
