/**
 * Golden-file comparison for the completion tests: a missing golden file fails the test (with
 * what it would contain), and `UPDATE_GOLDEN=1` writes it instead.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export function matchGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${path} is missing; run with UPDATE_GOLDEN=1 to write it. It would hold:\n${actual.slice(0, 2000)}`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs (UPDATE_GOLDEN=1 rewrites it after review)`);
}

export const CURSOR = '<|CURSOR|>';

/** Text with the marker removed and the cursor as 0-based line and code-point column. */
export function takeCursor(marked: string): { text: string; line: number; character: number } {
  const at = marked.indexOf(CURSOR);
  if (at === -1) throw new Error(`no ${CURSOR} marker`);
  const before = marked.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = [...before.slice(before.lastIndexOf('\n') + 1)].length;
  return { text: before + marked.slice(at + CURSOR.length), line, character };
}
