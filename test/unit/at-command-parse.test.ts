import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeAtCommand, lineWithCursor, type ParamSpec } from '../../server/core/chat/at-commands/completion';
import { decodeContextFiles, encodeContextFiles, formatContextFile } from '../../server/core/chat/at-commands/context-file';
import { formatLineRange, resolveLineRange, sliceLines, splitLineRange } from '../../server/core/chat/at-commands/line-range';
import { applyClips, findCommands, parseWords } from '../../server/core/chat/at-commands/parse';
import { boundedDistance, repairPath, shortPath } from '../../server/core/chat/at-commands/path-repair';

describe('@-command parsing', () => {
  it('splits words like Refact: links stay whole, trailing punctuation goes', () => {
    assert.deepEqual(parseWords('@file.txt, src/main.rs! code?').map((w) => w.text), ['@file.txt', 'src/main.rs', 'code']);
    const link = 'see https://doc.rust-lang.org/book/ch03-04-comments.html now';
    assert.ok(parseWords(link).some((w) => w.text === 'https://doc.rust-lang.org/book/ch03-04-comments.html'));
    const words = parseWords('hello  world   @file');
    assert.deepEqual(words.map((w) => [w.pos1, w.pos2]), [[0, 5], [7, 12], [15, 20]]);
  });

  it('gives each command the words up to the next command', () => {
    const found = findCommands('explain @file a.py:3-9 and @definition Point then @tree');
    assert.deepEqual(found.map((c) => c.cmd.text), ['@file', '@definition', '@tree']);
    assert.deepEqual(found[0]!.args.map((a) => a.text), ['a.py:3-9', 'and']);
    assert.deepEqual(found[1]!.args.map((a) => a.text), ['Point', 'then']);
    assert.deepEqual(found[2]!.args, []);
    assert.deepEqual(findCommands('mail me at user@example.com'), []);
  });

  it('replaces commands from the end so earlier offsets stay valid', () => {
    assert.equal(applyClips('@file a.py explain @definition Foo here', [{ pos1: 0, pos2: 10, text: '' }, { pos1: 19, pos2: 34, text: 'Foo' }]), ' explain Foo here');
  });
});

describe('@file line ranges', () => {
  it('reads Refact\'s range forms and writes them back', () => {
    assert.deepEqual(splitLineRange('src/a.py:10-20'), { path: 'src/a.py', range: { line1: 10, line2: 20 } });
    assert.deepEqual(splitLineRange('a.py:10-'), { path: 'a.py', range: { line1: 10, line2: null } });
    assert.deepEqual(splitLineRange('a.py:-20'), { path: 'a.py', range: { line1: null, line2: 20 } });
    assert.deepEqual(splitLineRange('a.py:7'), { path: 'a.py', range: { line1: 7, line2: 7, around: true } });
    assert.deepEqual(splitLineRange('C:/x/a.py'), { path: 'C:/x/a.py', range: null });
    for (const arg of ['a.py:10-20', 'a.py:10-', 'a.py:-20', 'a.py:7']) {
      const { path, range } = splitLineRange(arg);
      assert.equal(path + formatLineRange(range), arg);
    }
  });

  it('clamps, swaps and widens ranges against the file', () => {
    assert.deepEqual(resolveLineRange(null, 30), { line1: 1, line2: 30 });
    assert.deepEqual(resolveLineRange({ line1: 25, line2: 99 }, 30), { line1: 25, line2: 30 });
    assert.deepEqual(resolveLineRange({ line1: 9, line2: 3 }, 30), { line1: 3, line2: 9 });
    assert.deepEqual(resolveLineRange({ line1: null, line2: 4 }, 30), { line1: 1, line2: 4 });
    assert.deepEqual(resolveLineRange({ line1: 50, line2: 50, around: true }, 100), { line1: 30, line2: 70 });
    assert.equal(sliceLines('a\nb\nc\nd', { line1: 2, line2: 3 }), 'b\nc');
  });
});

describe('@file path repair', () => {
  const roots = ['/ws'];
  const files = ['/ws/src/geometry/point.py', '/ws/src/geometry/shapes.py', '/ws/tests/point.py', '/ws/src/web/server.ts', '/ws/README.md'];
  it('takes exact, rooted and unique-suffix paths', () => {
    assert.deepEqual(repairPath({ query: '/ws/README.md', files, roots }), { kind: 'exact', path: '/ws/README.md' });
    assert.deepEqual(repairPath({ query: 'src/web/server.ts', files, roots }), { kind: 'exact', path: '/ws/src/web/server.ts' });
    assert.deepEqual(repairPath({ query: 'shapes.py', files, roots }), { kind: 'exact', path: '/ws/src/geometry/shapes.py' });
  });
  it('lists ambiguous suffixes shortest first', () => {
    assert.deepEqual(repairPath({ query: 'point.py', files, roots }), { kind: 'suffix', paths: ['/ws/tests/point.py', '/ws/src/geometry/point.py'] });
  });
  it('repairs typos, missing extensions and prefixes, preferring matching folders', () => {
    assert.deepEqual(repairPath({ query: 'servr.ts', files, roots }), { kind: 'fuzzy', paths: ['/ws/src/web/server.ts'], confident: true });
    assert.equal((repairPath({ query: 'geometry/pont', files, roots }) as { paths: string[] }).paths[0], '/ws/src/geometry/point.py');
    assert.deepEqual(repairPath({ query: 'zzzz.go', files, roots }), { kind: 'none' });
    assert.equal(shortPath('/ws/src/web/server.ts', roots), 'src/web/server.ts');
  });
});

describe('context files', () => {
  it('round-trips Refact\'s JSON string and fences text that holds backticks', () => {
    const files = [{ file_name: '/ws/a.md', file_content: 'x\n```js\ny\n```', line1: 1, line2: 4 }];
    assert.deepEqual(decodeContextFiles(encodeContextFiles(files)), files);
    assert.deepEqual(decodeContextFiles('not json'), []);
    const text = formatContextFile(files[0]!);
    assert.ok(text.startsWith('/ws/a.md:1-4\n````\n'));
    assert.ok(text.endsWith('\n````'));
  });
});

describe('@-command completion', () => {
  const file: ParamSpec = { valid: (v) => v !== '', complete: async (v) => ['src/a.py', 'src/ab.py'].filter((f) => f.includes(v)), completeWhenValid: true };
  const url: ParamSpec = { valid: (v) => v.startsWith('http'), complete: async () => [], completeWhenValid: false };
  const commands = { '@file': [file], '@web': [url], '@tree': [] };

  it('completes a partial command name under the cursor', async () => {
    assert.deepEqual(await completeAtCommand('look @fi', 8, commands, 5), { completions: ['@file '], replace: [5, 8], is_cmd_executable: false });
  });
  it('completes a focused argument, on the cursor\'s line only', async () => {
    const query = 'first line\nsee @file a.p';
    assert.deepEqual(lineWithCursor(query, query.length), { line: 'see @file a.p', cursorInLine: 13, lineStart: 11 });
    assert.deepEqual(await completeAtCommand(query, query.length, commands, 5), { completions: ['src/a.py '], replace: [21, 24], is_cmd_executable: true });
  });
  it('suggests the next argument after a typed command, and says when a command is complete', async () => {
    assert.deepEqual(await completeAtCommand('@file ', 6, commands, 5), { completions: ['src/a.py ', 'src/ab.py '], replace: [6, 6], is_cmd_executable: false });
    assert.deepEqual(await completeAtCommand('@web https://x.org ', 19, commands, 5), { completions: [], replace: [-1, -1], is_cmd_executable: true });
    assert.deepEqual(await completeAtCommand('@tree ', 6, commands, 5), { completions: [], replace: [-1, -1], is_cmd_executable: true });
    assert.deepEqual(await completeAtCommand('no commands here', 5, commands, 5), { completions: [], replace: [-1, -1], is_cmd_executable: false });
    assert.deepEqual(await completeAtCommand('x', 99, commands, 5), { completions: [], replace: [-1, -1], is_cmd_executable: false });
  });
});

describe('bounded edit distance', () => {
  it('counts insertions, deletions, substitutions and swaps, and stops past the limit', () => {
    assert.equal(boundedDistance('point', 'point', 3), 0);
    assert.equal(boundedDistance('point', 'pint', 3), 1);
    assert.equal(boundedDistance('point', 'poimt', 3), 1);
    assert.equal(boundedDistance('point', 'piont', 3), 1);
    assert.equal(boundedDistance('server', 'sevrre', 3), 2);
    assert.equal(boundedDistance('abcdefgh', 'zyxwvuts', 2), 3);
  });
});
