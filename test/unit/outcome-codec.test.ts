import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { StringPool } from '../../server/core/ast/intern';
import { decodeOutcome, encodeOutcome } from '../../server/core/ast/outcome-codec';
import type { ParseOutcome } from '../../server/core/ast/types';
import { parse } from '../../server/workers/parse';
import { listFiles } from '../helpers/ast-golden';

const FIXTURES = join(__dirname, '../fixtures/ast');

describe('stored outcome codec', () => {
  for (const language of readdirSync(FIXTURES)) {
    it(`round-trips every ${language} fixture file exactly`, async () => {
      const root = join(FIXTURES, language);
      const files = listFiles(root);
      assert.ok(files.length > 0);
      let definitions = 0;
      for (const path of files) {
        const outcome = await parse({ path, text: readFileSync(path, 'utf8'), relPath: relative(root, path) });
        const decoded = decodeOutcome(encodeOutcome(outcome), new StringPool());
        assert.deepEqual(decoded, outcome, path);
        if (outcome.ok) definitions += outcome.file.definitions.length;
      }
      assert.ok(definitions > 0, `${language}: no definitions parsed`);
    });
  }

  it('round-trips skipped files and refuses other versions and garbage', () => {
    const skipped: ParseOutcome = { ok: false, path: '/p/min.js', reason: 'generated', message: 'a line of 5000 characters' };
    assert.deepEqual(decodeOutcome(encodeOutcome(skipped), new StringPool()), skipped);
    assert.equal(decodeOutcome('{"v":999,"s":[]}', new StringPool()), null);
    assert.equal(decodeOutcome('not json', new StringPool()), null);
    assert.equal(decodeOutcome('null', new StringPool()), null);
  });

  it('shares one copy of each string across decoded files', () => {
    const file = (path: string): ParseOutcome => ({
      ok: true,
      file: { path, language: 'python', filePath: 'a', lines: 1, definitions: [], usages: [{ kind: 'call', name: 'run', target: 'run', qualifier: [], line: 1, scope: 'a' }], extensions: [], errors: { count: 0, lines: [] } },
    });
    const pool = new StringPool();
    decodeOutcome(encodeOutcome(file('/p/a.py')), pool);
    decodeOutcome(encodeOutcome(file('/p/b.py')), pool);
    // Language, kind and name/target recur across files; paths and scopes are per file.
    assert.equal(pool.size, 3);
  });
});
