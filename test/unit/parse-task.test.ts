import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languageOfPath } from '../../server/core/ast/languages';
import { fileOfficialPath } from '../../server/core/ast/official-path';
import type { FileAst, ParseOutcome } from '../../server/core/ast/types';
import { parse, parseMany } from '../../server/workers/parse';

function ok(outcome: ParseOutcome): FileAst {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason}: ${outcome.message}`);
  return outcome.file;
}

function skipped(outcome: ParseOutcome) {
  assert.equal(outcome.ok, false);
  return outcome as Extract<ParseOutcome, { ok: false }>;
}

describe('parse task (called directly)', () => {
  it('picks the language from the extension, Refact table plus Go and C#', () => {
    const table: Record<string, string | null> = {
      'a.ts': 'typescript', 'a.tsx': 'tsx', 'a.jsx': 'javascript', 'a.mjs': 'javascript', 'a.py': 'python', 'a.pyx': 'python',
      'a.rs': 'rust', 'a.go': 'go', 'A.java': 'java', 'a.c': 'c', 'a.h': 'cpp', 'a.hpp': 'cpp', 'a.cc': 'cpp', 'a.cs': 'csharp',
      'a.kt': 'kotlin', 'a.rb': 'ruby', 'a.php': 'php', 'README.md': null, Makefile: null, '.bashrc': null,
    };
    for (const [path, language] of Object.entries(table)) assert.equal(languageOfPath(path), language, path);
  });

  it('makes official paths from the relative path, dropping __init__ and mod', () => {
    assert.equal(fileOfficialPath('src/geo/point.ts'), 'src::geo::point');
    assert.equal(fileOfficialPath('pkg/__init__.py'), 'pkg');
    assert.equal(fileOfficialPath('src/shapes/mod.rs'), 'src::shapes');
    assert.equal(fileOfficialPath('./main.go'), 'main');
  });

  it('extracts definitions with kinds, parents, ranges and signatures', async () => {
    const file = ok(await parse({ path: '/w/src/geo.py', relPath: 'src/geo.py', text: 'class Point(Base):\n    def norm(self) -> float:\n        return 0.0\n' }));
    assert.equal(file.language, 'python');
    assert.equal(file.filePath, 'src::geo');
    const [cls, method] = file.definitions;
    assert.deepEqual(
      { path: cls?.path, kind: cls?.kind, bases: cls?.bases, decl: [cls?.declLine1, cls?.declLine2], body: [cls?.bodyLine1, cls?.bodyLine2] },
      { path: 'src::geo::Point', kind: 'class', bases: ['Base'], decl: [1, 2], body: [2, 3] },
    );
    assert.deepEqual({ path: method?.path, kind: method?.kind, parent: method?.parent, signature: method?.signature, type: method?.type }, {
      path: 'src::geo::Point::norm', kind: 'method', parent: 'src::geo::Point', signature: 'def norm(self) -> float', type: 'float',
    });
  });

  it('flags syntax errors and still indexes the file', async () => {
    const file = ok(await parse({ path: 'broken.ts', text: 'function good() {}\nfunction bad( {\n' }));
    assert.ok(file.errors.count > 0);
    assert.ok(file.errors.lines.length > 0);
    assert.ok(file.definitions.some((d) => d.name === 'good'));
  });

  it('rejects what it should not parse, with a reason', async () => {
    assert.equal(skipped(await parse({ path: 'notes.txt', text: 'hello' })).reason, 'unsupported-language');
    assert.equal(skipped(await parse({ path: 'big.js', text: 'x'.repeat(100), limits: { maxChars: 50 } })).reason, 'too-large');
    assert.equal(skipped(await parse({ path: 'bundle.min.js', text: `var a=${'1+'.repeat(3000)}1;` })).reason, 'generated');
    const many = Array.from({ length: 50 }, (_, i) => `function f${i}() { g${i}(); }`).join('\n');
    const tooMany = skipped(await parse({ path: 'gen.ts', text: many, limits: { maxSymbols: 40 } }));
    assert.equal(tooMany.reason, 'too-many-symbols');
    assert.match(tooMany.message, /generated\?/);
  });

  it('cancels a parse that runs past its budget', async () => {
    const text = Array.from({ length: 20000 }, (_, i) => `function f${i}(a, b) { return a + b * ${i}; }`).join('\n');
    assert.equal(skipped(await parse({ path: 'slow.js', text, limits: { parseBudgetMs: 0 } })).reason, 'parse-timeout');
    // The same worker parses the next file normally.
    ok(await parse({ path: 'fine.js', text: 'function fine() {}' }));
  });

  it('is not fooled by names that Object.prototype has (constructor, hasOwnProperty, toString)', async () => {
    const file = ok(await parse({ path: 'l.js', text: 'var hasOwnProperty = Object.prototype.hasOwnProperty;\nfunction f(o) { return hasOwnProperty.call(o, "x") + constructor() + toString(); }\n' }));
    assert.deepEqual(file.usages.map((u) => u.target), ['Object.prototype.hasOwnProperty', 'hasOwnProperty.call', 'constructor', 'toString']);
    assert.equal(skipped(await parse({ path: 'x.constructor', text: '' })).reason, 'unsupported-language');
    assert.equal(ok(await parse({ path: 'x.py', language: 'toString' as never, text: '' })).language, 'python');
  });

  it('honours a language override and parses batches in order', async () => {
    const [a, b, c] = await parseMany({ files: [
      { path: 'script', language: 'python', text: 'def f(): pass\n' },
      { path: 'x.unknown', text: '' },
      { path: 'y.go', text: 'package y\nfunc G() {}\n' },
    ] });
    assert.equal(ok(a!).definitions[0]?.path, 'script::f');
    assert.equal(skipped(b!).reason, 'unsupported-language');
    assert.equal(ok(c!).language, 'go');
  });
});
