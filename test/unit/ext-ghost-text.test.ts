import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codePointColumn, replacedSuffixLength, wantsMultiline } from '../../src/completion/ghost-text';

describe('ghost text positions', () => {
  it('converts VS Code UTF-16 columns to the code points refact/getCompletions counts', () => {
    assert.equal(codePointColumn('abc', 2), 2);
    assert.equal(codePointColumn('const 😀 = x', 8), 7, 'the emoji is two UTF-16 units and one code point');
    assert.equal(codePointColumn('', 0), 0);
  });

  it('asks for several lines only at a blank line start', () => {
    assert.equal(wantsMultiline('    '), true);
    assert.equal(wantsMultiline(''), true);
    assert.equal(wantsMultiline('  return '), false);
  });

  it('replaces the closing tail when the suggestion repeats it, never otherwise', () => {
    assert.equal(replacedSuffixLength(')', 'a, b)'), 1);
    assert.equal(replacedSuffixLength(');  ', 'x);'), 2);
    assert.equal(replacedSuffixLength(')', 'a, b'), 0);
    assert.equal(replacedSuffixLength('', 'anything'), 0);
    assert.equal(replacedSuffixLength(')', 'a\n)'), 0, 'only the first line meets the tail');
  });
});
