import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { postProcess, type PostProcessContext } from '../../server/core/completion';
import { matchGolden } from './completion-golden';

const DIR = join(__dirname, '..', 'fixtures', 'completion', 'post-process');

interface Case extends Omit<PostProcessContext, 'stops'> {
  name: string;
  raw: string;
  stops?: string[];
}

const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as Case[];

function run(c: Case): string {
  const stops = c.stops ?? ['<|endoftext|>', ...(c.multiline ? ['\n\n'] : ['\n'])];
  return postProcess(c.raw, { linePrefix: c.linePrefix, lineSuffix: c.lineSuffix, nextLines: c.nextLines, multiline: c.multiline, stops });
}

describe('post-processing', () => {
  it('matches the golden results for every case', () => {
    const results = cases.map((c) => ({ name: c.name, raw: c.raw, result: run(c) }));
    matchGolden(join(DIR, 'expected.json'), `${JSON.stringify(results, null, 2)}\n`);
  });

  // The golden file could be regenerated wrong; these few state the intent outright.
  it('states the key rules outright', () => {
    const byName = new Map(cases.map((c) => [c.name, run(c)]));
    assert.equal(byName.get('a closing paren already right of the cursor is not repeated'), 'name, value');
    assert.equal(byName.get('a nested call right of the cursor keeps its own parens'), 'bar()');
    assert.equal(byName.get('single-line mode stops at the line end'), 'a + b');
    assert.equal(byName.get('whitespace only is dropped'), '');
    assert.equal(byName.get('the next line below is not repeated'), 'total += x;');
    assert.equal(byName.get('a stray closer that closes nothing ends the completion'), 'b)');
  });
});
