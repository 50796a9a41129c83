import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/engine-process';
import { matchGolden } from '../helpers/golden';

// The helper behind caps-parse and chunk-golden: a golden test must fail without its golden.
describe('golden files', () => {
  it('fails when the golden is missing, and writes nothing', () => {
    const path = join(tempDir('golden'), 'missing.expected.json');
    assert.throws(() => matchGolden(path, '{}\n', {}), /golden file .*missing\.expected\.json is missing; write it with UPDATE_GOLDEN=1/);
    assert.equal(existsSync(path), false);
  });

  it('fails when the output differs from the golden', () => {
    const path = join(tempDir('golden'), 'g.txt');
    writeFileSync(path, 'expected\n');
    assert.throws(() => matchGolden(path, 'actual\n', {}), /differs from .*g\.txt/);
    matchGolden(path, 'expected\n', {});
  });

  it('writes (or rewrites) the golden with UPDATE_GOLDEN=1, creating its folder', () => {
    const path = join(tempDir('golden'), 'nested', 'g.txt');
    matchGolden(path, 'new\n', { UPDATE_GOLDEN: '1' });
    assert.equal(readFileSync(path, 'utf8'), 'new\n');
  });
});
