/**
 * Golden files: the expected output is a reviewed file in the fixtures. A missing golden fails
 * (a test that writes its own expectation and then compares with it proves nothing);
 * `UPDATE_GOLDEN=1` writes or rewrites it, to be reviewed in the diff before committing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function matchGolden(path: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) assert.fail(`the golden file ${path} is missing; write it with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${path} (UPDATE_GOLDEN=1 to accept, after review)`);
}
