import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_DOCUMENT_CHARS, skipReason, type SkipQuery } from '../../src/completion/skip-rules';

const base: SkipQuery = { scheme: 'file', lineSuffix: '', documentChars: 100, paused: false, manual: false, hasSelection: false };

describe('completion skip rules', () => {
  it('asks at a line end and before closing brackets, quotes and punctuation', () => {
    for (const lineSuffix of ['', '   ', ')', '])', '});', '"', "')", '`;', '>', ',', ': ', '.']) {
      assert.equal(skipReason({ ...base, lineSuffix }), null, JSON.stringify(lineSuffix));
    }
  });

  it('skips when words or operators stand right of the cursor', () => {
    for (const lineSuffix of ['foo', ') + 1', 'x)', ' = 2', '(a)']) {
      assert.equal(skipReason({ ...base, lineSuffix }), 'text-right-of-cursor', JSON.stringify(lineSuffix));
    }
  });

  it('skips documents the engine does not have, and very large files', () => {
    for (const scheme of ['untitled', 'git', 'output', 'vscode-notebook-cell', 'vscode-userdata']) assert.equal(skipReason({ ...base, scheme }), 'scheme');
    assert.equal(skipReason({ ...base, documentChars: MAX_DOCUMENT_CHARS }), null);
    assert.equal(skipReason({ ...base, documentChars: MAX_DOCUMENT_CHARS + 1 }), 'large-file');
    assert.equal(skipReason({ ...base, documentChars: 11, maxDocumentChars: 10 }), 'large-file');
  });

  it('pause stops automatic requests but not a manual one; a selection is never extended', () => {
    assert.equal(skipReason({ ...base, paused: true }), 'paused');
    assert.equal(skipReason({ ...base, paused: true, manual: true }), null);
    assert.equal(skipReason({ ...base, hasSelection: true }), 'selection');
  });
});
