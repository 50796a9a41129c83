/**
 * A child process for the kill -9 test: writes batches of 200 rows to an index store until it
 * is killed, printing "batch N" after each committed batch.
 */
import { IndexStore } from '../../server/services/index-store';
import { createLogger } from '../../server/services/logger';

const [cacheDir, root] = process.argv.slice(2) as [string, string];
const store = IndexStore.open(cacheDir, root, 'v1', createLogger({ kind: 'stderr' }, 'error'));
const outcome = JSON.stringify({ ok: true, file: { definitions: Array.from({ length: 20 }, (_, i) => ({ name: `symbol${i}`, path: `a::b::symbol${i}` })) } });
for (let batch = 0; ; batch++) {
  store.put(Array.from({ length: 200 }, (_, i) => ({ path: `${root}/f${batch}-${i}.ts`, hash: `h${batch}`, size: i, mtimeMs: batch, outcome })));
  process.stdout.write(`batch ${batch}\n`);
}
