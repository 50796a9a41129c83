import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildHoleMessages, CompletionCache, dedupeSnippets, estimateCounter, extractHoleText, fimFormatFor, HOLE, MemoCounter, ragTokensBudget,
  shouldCompleteMultiline, splitAtCursor, stableOrder, codePointToUtf16, utf16ToCodePoint, type ContextSnippet,
} from '../../server/core/completion';
import { knownModels } from '../../server/core/caps/known-models';

describe('FIM formats from caps entries', () => {
  it('reads an explicit FIM scratchpad and its patch (Refact self-hosted Qwen entry)', () => {
    const f = fimFormatFor({
      name: 'qwen2.5/coder/1.5b/base', scratchpad: 'FIM-PSM',
      scratchpad_patch: { fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>', extra_stop_tokens: ['<|repo_name|>', '<|file_sep|>', '<|fim_pad|>'], context_format: 'qwen2.5', rag_ratio: 0.3 },
    })!;
    assert.deepEqual([f.family, f.order, f.prefix, f.repoName, f.fileSep, f.ragRatio], ['qwen2.5-coder', 'psm', '<|fim_prefix|>', '<|repo_name|>', '<|file_sep|>', 0.3]);
    assert.equal(f.stops[0], '<|endoftext|>');
    assert.ok(f.stops.includes('<|file_sep|>'));
  });

  it('gives every known completion model of the caps a format, SPM for Refact-1.6B', () => {
    for (const [name, record] of knownModels().completion) {
      const f = fimFormatFor(record);
      assert.ok(f, `${name} has a FIM format`);
      if (name === 'smallcloudai/Refact-1_6B-fim') assert.equal(f.order, 'spm');
      if (name.startsWith('codellama')) assert.deepEqual([f.prefix, f.suffix, f.middle, f.eot], ['<PRE>', '<SUF>', '<MID>', '<EOT>']);
    }
  });

  it('fills missing patch keys from the family, and uses Refact\'s StarCoder defaults for an unknown FIM model', () => {
    const ds = fimFormatFor({ name: 'deepseek-coder/1.3b/base', scratchpad: 'FIM-PSM', scratchpad_patch: {} })!;
    assert.deepEqual([ds.prefix, ds.suffix, ds.middle, ds.eot, ds.contextFormat], ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<|EOT|>', 'path-comments']);
    const custom = fimFormatFor({ name: 'acme/secret-coder', scratchpad: 'FIM-SPM', scratchpad_patch: { context_format: 'chat' } })!;
    assert.deepEqual([custom.family, custom.order, custom.prefix, custom.fileSep], ['custom', 'spm', '<fim_prefix>', null]);
    const codestral = fimFormatFor({ name: 'mistral/codestral-latest' })!;
    assert.deepEqual([codestral.order, codestral.prefix, codestral.suffix, codestral.middle], ['spm', '[PREFIX]', '[SUFFIX]', '']);
  });

  it('has no FIM for chat and instruct models (the chat fallback)', () => {
    assert.equal(fimFormatFor({ name: 'gpt-4o', scratchpad: 'PASSTHROUGH' }), null);
    assert.equal(fimFormatFor({ name: 'qwen2.5/coder/7b/instruct', scratchpad: 'REPLACE_PASSTHROUGH' }), null);
    assert.equal(fimFormatFor({ name: 'claude-3-5-sonnet' }), null);
  });
});

describe('cursor', () => {
  it('splits at a code-point column, keeps line ends, and rejects a cursor outside the text', () => {
    const text = 'a😀b = 1\r\nsecond\n';
    const s = splitAtCursor(text, { line: 0, character: 2 });
    assert.ok(s.ok);
    assert.deepEqual([s.value.linePrefix, s.value.lineSuffix, s.value.lineEnd, s.value.below], ['a😀', 'b = 1', '\r\n', ['second\n', '']]);
    assert.ok(splitAtCursor(text, { line: 2, character: 0 }).ok, 'the empty line after a final newline exists');
    const past = splitAtCursor(text, { line: 1, character: 7 });
    assert.ok(!past.ok && /past the end of line 1 \(it has 6 characters\)/.test(past.detail));
    const below = splitAtCursor(text, { line: 3, character: 0 });
    assert.ok(!below.ok && /outside the file \(it has 3 lines\)/.test(below.detail));
  });

  it('converts between code points and UTF-16', () => {
    assert.equal(codePointToUtf16('a😀b', 2), 3);
    assert.equal(utf16ToCodePoint('a😀b', 3), 2);
    assert.equal(codePointToUtf16('ab', 3), -1);
  });

  it('asks for a block only when the line is blank left of the cursor, or a block is asked for', () => {
    assert.equal(shouldCompleteMultiline('    '), true);
    assert.equal(shouldCompleteMultiline('    x = '), false);
    assert.equal(shouldCompleteMultiline('    x = ', true), true);
  });
});

describe('context snippets', () => {
  const s = (path: string, text: string, source: ContextSnippet['source'], startLine?: number, endLine?: number): ContextSnippet => ({ path, text, source, startLine, endLine });

  it('drops repeats by content (whitespace folded) and by overlapping range, keeping the more relevant', () => {
    const kept = dedupeSnippets([
      s('a.ts', 'function f() {\n  return 1;\n}', 'ast', 0, 2),
      s('copy.ts', 'function f() {\n    return 1;\n}', 'recent', 10, 12),
      s('a.ts', 'return 1;\n}', 'retrieval', 1, 2),
      s('a.ts', 'other', 'retrieval', 5, 6),
      s('b.ts', '   ', 'recent'),
    ]);
    assert.deepEqual(kept.map((k) => `${k.path}:${k.startLine}`), ['a.ts:0', 'a.ts:5']);
  });

  it('orders by stability, never by relevance: definitions, retrieval, recent; then path and line', () => {
    const ordered = stableOrder([s('z.ts', 'r', 'recent', 0), s('b.ts', 'x', 'retrieval', 9), s('b.ts', 'y', 'retrieval', 2), s('a.ts', 'd', 'ast', 0)]);
    assert.deepEqual(ordered.map((o) => o.text), ['d', 'y', 'x', 'r']);
  });

  it('clamps the context budget as Refact does', () => {
    assert.equal(ragTokensBudget(32768, 0.5), 4096);
    assert.equal(ragTokensBudget(2048, 0.5), 1024);
    assert.equal(ragTokensBudget(60, 0.5), 50);
    assert.equal(ragTokensBudget(2048, 0.5, 10_000), 4096);
    assert.equal(ragTokensBudget(2048, 0), 0);
  });
});

describe('counters', () => {
  it('memoizes counts and asks the inner counter only for new texts', async () => {
    const asked: string[][] = [];
    const memo = new MemoCounter({ exact: true, count: async (texts) => (asked.push(texts), texts.map((t) => t.length)) }, 4);
    assert.deepEqual(await memo.count(['ab', 'abc', 'ab']), [2, 3, 2]);
    assert.deepEqual(await memo.count(['abc', 'abcd']), [3, 4]);
    assert.deepEqual(asked, [['ab', 'abc'], ['abcd']]);
    // Past its bound it forgets the oldest half and still answers right.
    assert.deepEqual(await memo.count(['1', '22', '333']), [1, 2, 3]);
    assert.deepEqual(await memo.count(['ab', 'abcd']), [2, 4]);
  });

  it('estimates safely: 2.5 characters per token, rounded up', async () => {
    assert.deepEqual(await estimateCounter().count(['12345', '123456']), [2, 3]);
  });
});

describe('completion cache', () => {
  it('typing along a suggestion finds the rest of it', () => {
    const cache = new CompletionCache();
    cache.putWithPrefixes({ before: 'x = ', multiline: false, model: 'm' }, 'compute(1)', 'stop');
    assert.deepEqual(cache.get({ before: 'x = ', multiline: false, model: 'm' }), { completion: 'compute(1)', finishReason: 'stop', typed: 0 });
    assert.deepEqual(cache.get({ before: 'x = comp', multiline: false, model: 'm' }), { completion: 'ute(1)', finishReason: 'stop', typed: 4 });
    assert.equal(cache.get({ before: 'x = compute(1)', multiline: false, model: 'm' }), undefined, 'nothing left to suggest');
    assert.equal(cache.get({ before: 'x = comp', multiline: true, model: 'm' }), undefined, 'the mode is part of the key');
    assert.equal(cache.get({ before: 'x = comp', multiline: false, model: 'other' }), undefined, 'the model is part of the key');
    assert.equal(cache.get({ before: 'x = cop', multiline: false, model: 'm' }), undefined);
  });

  it('does not trust the last 10 characters of a completion cut by length', () => {
    const cache = new CompletionCache();
    const completion = 'abcdefghijklmnopqrst';
    cache.putWithPrefixes({ before: '>', multiline: false }, completion, 'length');
    assert.equal(cache.get({ before: '>', multiline: false })?.completion, 'abcdefghij');
    assert.equal(cache.get({ before: '>abcdefghi', multiline: false })?.completion, 'j');
    assert.equal(cache.get({ before: '>abcdefghij', multiline: false }), undefined);
  });

  it('a block typed into turns into a line request with the rest of its first line', () => {
    const cache = new CompletionCache();
    cache.putWithPrefixes({ before: 'def f():\n    ', multiline: true }, 'return 1\n    # done', 'stop');
    assert.equal(cache.get({ before: 'def f():\n    ret', multiline: false })?.completion, 'urn 1');
    assert.equal(cache.get({ before: 'def f():\n    ret', multiline: true })?.completion, 'urn 1\n    # done');
  });

  it('keys on the last 5,000 characters and evicts the least recently used', () => {
    const cache = new CompletionCache(3);
    cache.put({ before: `${'a'.repeat(6000)}z`, multiline: false }, { completion: 'x', finishReason: 'stop', typed: 0 });
    assert.equal(cache.get({ before: `${'b'.repeat(1001)}${'a'.repeat(4999)}z`, multiline: false })?.completion, 'x');
    cache.put({ before: '1', multiline: false }, { completion: '1', finishReason: 'stop', typed: 0 });
    cache.put({ before: '2', multiline: false }, { completion: '2', finishReason: 'stop', typed: 0 });
    cache.get({ before: '1', multiline: false });
    cache.put({ before: '3', multiline: false }, { completion: '3', finishReason: 'stop', typed: 0 });
    assert.equal(cache.size, 3);
    assert.equal(cache.get({ before: `${'a'.repeat(6000)}z`, multiline: false }), undefined, 'the least recently used went');
    assert.ok(cache.get({ before: '1', multiline: false }) && cache.get({ before: '2', multiline: false }));
  });
});

describe('chat fallback', () => {
  it('shows the code with one marked hole and asks for the hole only', () => {
    const messages = buildHoleMessages({ path: 'a.py', prefix: 'def f():\n    return ', suffix: '\n', multiline: false });
    assert.equal(messages.length, 2);
    assert.equal(messages[1]!.content.split(HOLE).length, 2);
    assert.match(messages[1]!.content, /def f\(\):\n {4}return \{\{FILL_HERE\}\}\n/);
    assert.match(messages[1]!.content, /rest of the current line only/);
  });

  it('extracts the inserted text from tags, fences, and answers that repeat the code around the hole', () => {
    const prefix = 'def f(a, b):\n    total = ';
    const suffix = '\n    return total\n';
    assert.equal(extractHoleText('<COMPLETION>a + b</COMPLETION>', prefix, suffix), 'a + b');
    assert.equal(extractHoleText('Sure! Here it is:\n```python\na + b\n```', prefix, suffix), 'a + b');
    assert.equal(extractHoleText('```python\n    total = a + b\n```', prefix, suffix), 'a + b', 'the repeated line start goes');
    assert.equal(extractHoleText('total = a + b', prefix, suffix), 'a + b', 'also without its indentation');
    assert.equal(extractHoleText('<COMPLETION>a + b\n    return total</COMPLETION>', prefix, suffix), 'a + b', 'the repeated suffix goes');
    assert.equal(extractHoleText('<COMPLETION>print(x)</COMPLETION>', 'foo(', ')'), 'print(x)', 'a lone closer is left to post-processing');
  });
});
