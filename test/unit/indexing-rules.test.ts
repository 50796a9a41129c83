import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileBlocklist, DEFAULT_BLOCKLIST, generatedReason, hasBinaryExtension, looksBinary, mergeIndexing, parseIndexingYaml } from '../../server/core/indexing-rules';

describe('indexing rules', () => {
  const blocked = compileBlocklist(DEFAULT_BLOCKLIST, '/p');
  const cases: [string, boolean][] = [
    ['/p/src/main.ts', false],
    ['/p/lib/util.js', false],
    ['/p/cmd/pkg/server.go', false],
    ['/p/node_modules/react/index.js', true],
    ['/p/packages/a/node_modules/x.js', true],
    ['/p/.git/config', true],
    ['/p/.github/workflows/ci.yml', true],
    ['/p/src/.env', true],
    ['/p/target/debug/main.rs', true],
    ['/p/app/__pycache__/m.pyc', true],
    ['/p/dist/bundle.js', true],
    ['/p/distribution/notes.md', false],
    ['/tmp/project/src/a.ts', true],
  ];
  for (const [path, expected] of cases) {
    it(`${expected ? 'blocks' : 'keeps'} ${path}`, () => assert.equal(blocked(path), expected));
  }

  it('matches relative globs below the project root, so the location of the root does not count', () => {
    const inTmp = compileBlocklist(DEFAULT_BLOCKLIST, '/tmp/project');
    assert.equal(inTmp('/tmp/project/src/a.ts'), false);
    assert.equal(inTmp('/tmp/project/tmp/a.ts'), true);
    assert.equal(inTmp('/tmp/project/.cache/a.ts'), true);
  });

  it('matches a glob as a path suffix too, as Refact does', () => {
    const suffix = compileBlocklist(['secret.txt', '*.min.js', '*src/gen?.ts', '*/[ab].py', '/etc/*'], '/p');
    assert.equal(suffix('/p/config/secret.txt'), true);
    assert.equal(suffix('/p/web/app.min.js'), true);
    assert.equal(suffix('/p/src/gen1.ts'), true);
    assert.equal(suffix('/p/a.py'), true);
    assert.equal(suffix('/p/c.py'), false);
    assert.equal(suffix('/etc/passwd'), true);
    assert.equal(suffix('/p/etc/passwd'), false);
  });

  it('parses indexing.yaml with ~ and project-relative dirs', () => {
    const parsed = parseIndexingYaml('blocklist:\n  - "*/fixtures/*"\nadditional_indexing_dirs:\n  - "~/libs/x/"\n  - "../shared"\n  - ""\n', '/home/u', '/work/p');
    assert.deepEqual(parsed, { ok: true, settings: { blocklist: ['*/fixtures/*'], additionalIndexingDirs: ['/home/u/libs/x', '/work/shared'] } });
  });

  it('refuses a relative dir in the global file, and broken documents, with a reason', () => {
    assert.match((parseIndexingYaml('additional_indexing_dirs: ["rel"]', '/h', null) as { error: string }).error, /relative path 'rel'/);
    assert.match((parseIndexingYaml('blocklist: [1, 2]', '/h', null) as { error: string }).error, /list of strings/);
    assert.match((parseIndexingYaml('blocklist: [unclosed', '/h', null) as { error: string }).error, /not valid YAML/);
    assert.match((parseIndexingYaml('- a\n- b', '/h', null) as { error: string }).error, /expected a mapping/);
    assert.deepEqual(parseIndexingYaml('', '/h', null), { ok: true, settings: { blocklist: [], additionalIndexingDirs: [] } });
  });

  it('adds project settings to global ones', () => {
    const merged = mergeIndexing({ blocklist: ['a'], additionalIndexingDirs: ['/x'] }, { blocklist: ['b'], additionalIndexingDirs: [] });
    assert.deepEqual(merged, { blocklist: ['a', 'b'], additionalIndexingDirs: ['/x'] });
  });

  it('recognises binary files by extension and by content', () => {
    assert.equal(hasBinaryExtension('/p/logo.PNG'), true);
    assert.equal(hasBinaryExtension('/p/model.gguf'), true);
    assert.equal(hasBinaryExtension('/p/main.ts'), false);
    assert.equal(hasBinaryExtension('/p/.png/readme'), false);
    assert.equal(looksBinary(new Uint8Array([104, 105, 0, 1])), true);
    assert.equal(looksBinary(new TextEncoder().encode('plain text')), false);
  });

  it('recognises minified and generated text', () => {
    assert.match(generatedReason('x'.repeat(400) + '\n' + 'y'.repeat(400)) ?? '', /longer than 150/);
    assert.match(generatedReason('a=1;b=2;c=3;d=4;e=5;f=6;g=7;\n'.repeat(10).replace(/ /g, '')) ?? '', /whitespace/);
    assert.equal(generatedReason('function add(a, b) {\n  return a + b;\n}\n'), null);
  });
});
