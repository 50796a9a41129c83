import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AstIndex } from '../../server/core/ast/ast-index';
import { editDistance, fileSymbols, findDefinitions, findUsages, nameScore } from '../../server/core/ast/queries';
import { Resolver } from '../../server/core/ast/resolve';
import { skeleton } from '../../server/core/ast/skeleton';
import type { FileAst } from '../../server/core/ast/types';
import { parse } from '../../server/workers/parse';

async function ast(path: string, text: string): Promise<FileAst> {
  const outcome = await parse({ path, text });
  assert.ok(outcome.ok);
  return outcome.file;
}

const BASE = 'export class Animal {\n  selfReview() {}\n}\n';
const GOAT = "import { Animal } from './base';\nexport class Goat extends Animal {\n  jump() { this.selfReview(); }\n}\n";
const MAIN = "import { Goat } from './goat';\nexport function main() {\n  const g = new Goat();\n  g.selfReview();\n  g.jump();\n}\n";

async function project() {
  const index = new AstIndex();
  for (const [path, text] of [['base.ts', BASE], ['goat.ts', GOAT], ['main.ts', MAIN]] as const) index.setFile(await ast(path, text));
  return { index, resolver: new Resolver(index) };
}

function resolution(resolver: Resolver, file: string, usageTarget: string): string {
  const found = resolver.resolveFile(file).find((r) => r.usage.target === usageTarget);
  assert.ok(found, `no usage ${usageTarget} in ${file}`);
  return `${found.target ?? '-'} (${found.how})`;
}

function target(resolver: Resolver, file: string, usageTarget: string): string | null {
  const found = resolution(resolver, file, usageTarget);
  return found.startsWith('- ') ? null : found.slice(0, found.indexOf(' '));
}

describe('resolver and index', () => {
  it('resolves a call on a derived class to the base method through imports', async () => {
    const { resolver } = await project();
    assert.equal(resolution(resolver, 'main.ts', 'g.selfReview'), 'base::Animal::selfReview (inherited)');
    assert.equal(resolution(resolver, 'goat.ts', 'this.selfReview'), 'base::Animal::selfReview (inherited)');
  });

  it('replaces one file without a rebuild: the hierarchy change shows at once', async () => {
    const { index, resolver } = await project();
    const generation = index.generation;
    index.setFile(await ast('goat.ts', 'export class Goat {\n  jump() {}\n}\n'));
    assert.ok(index.generation > generation);
    assert.equal(index.fileCount, 3);
    // Goat no longer inherits selfReview: only the name-based guess is left.
    assert.equal(resolution(resolver, 'main.ts', 'g.selfReview'), 'base::Animal::selfReview (global)');
    assert.equal(resolution(resolver, 'main.ts', 'g.jump'), 'goat::Goat::jump (member)');
  });

  it('forgets a removed file: its definitions, usages and counts', async () => {
    const { index, resolver } = await project();
    const before = { defs: index.definitionTotal, usages: index.usageTotal };
    assert.ok(index.removeFile('base.ts'));
    assert.equal(index.removeFile('base.ts'), false);
    assert.equal(index.definitionTotal, before.defs - 2);
    assert.equal(findDefinitions(index, 'Animal').length, 0);
    assert.equal(findUsages(index, resolver, 'base::Animal::selfReview').length, 0);
    assert.equal(target(resolver, 'goat.ts', 'this.selfReview'), null);
    index.setFile(await ast('base.ts', BASE));
    assert.equal(findUsages(index, resolver, 'base::Animal::selfReview').length, 2);
    // The usage index, built by the first search, follows later removals too.
    const users = new Set(findUsages(index, resolver, 'base::Animal::selfReview').map((r) => r.file));
    for (const file of users) index.removeFile(file);
    assert.equal(findUsages(index, resolver, 'base::Animal::selfReview').length, 0);
  });

  it('ranks a fuzzy fallback and reports ambiguity with candidates', async () => {
    const index = new AstIndex();
    index.setFile(await ast('a/one.py', 'def run():\n    pass\n'));
    index.setFile(await ast('b/two.py', 'def run():\n    pass\n'));
    index.setFile(await ast('a/caller.py', 'def go(x):\n    x.run()\n'));
    index.setFile(await ast('c/other.py', 'def go2(y):\n    y.run()\n'));
    const resolver = new Resolver(index);
    const near = resolver.resolveFile('a/caller.py').find((r) => r.usage.name === 'run')!;
    assert.equal(near.how, 'fuzzy');
    assert.equal(near.target, 'a::one::run');
    assert.deepEqual(near.candidates, ['a::one::run', 'b::two::run']);
    const far = resolver.resolveFile('c/other.py').find((r) => r.usage.name === 'run')!;
    assert.equal(far.how, 'ambiguous');
    assert.equal(far.target, null);
    assert.equal(far.candidates.length, 2);
  });

  it('finds definitions by exact path, qualified suffix, name and typo', async () => {
    const { index } = await project();
    assert.deepEqual(findDefinitions(index, 'goat::Goat::jump').map((d) => d.match), ['exact']);
    assert.deepEqual(findDefinitions(index, 'Goat.jump').map((d) => `${d.match} ${d.definition.path}`), ['suffix goat::Goat::jump']);
    assert.deepEqual(findDefinitions(index, 'selfReview').map((d) => d.match), ['name']);
    assert.equal(findDefinitions(index, 'slefReveiw')[0]?.definition.path, 'base::Animal::selfReview');
    assert.equal(findDefinitions(index, 'zzzz').length, 0);
    assert.ok(nameScore('selfreview', 'self') > nameScore('selfreview', 'sfr'));
    assert.equal(editDistance('goat', 'gaot'), 1);
  });

  it('lists a file\'s symbols in source order and its skeleton without bodies', async () => {
    const { index } = await project();
    assert.deepEqual(fileSymbols(index, 'goat.ts')?.map((d) => d.path), ['goat::Goat', 'goat::Goat::jump']);
    assert.equal(fileSymbols(index, 'nope.ts'), null);
    assert.equal(skeleton(index.file('goat.ts')!.ast), 'class Goat extends Animal {\n  jump() { ... }\n}');
    const py = await ast('calc.py', 'class Calc:\n    def add(self, x, y):\n        return x + y\n');
    assert.equal(skeleton(py), 'class Calc:\n  def add(self, x, y):\n    ...');
  });
});
