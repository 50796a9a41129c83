import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { AstIndex } from '../../server/core/ast/ast-index';
import { renderTree, workspaceTree, type TreeNode, type WorkspaceTree } from '../../server/core/ast/workspace-tree';
import { parse } from '../../server/workers/parse';
import { listFiles } from '../helpers/ast-golden';

// AST_GOLDEN_UPDATE=1 node test/run.mjs test/unit --only workspace-tree rewrites the golden.
const UPDATE = process.env.AST_GOLDEN_UPDATE === '1';
const FIXTURES = join(__dirname, '..', 'fixtures', 'ast');
const GOLDEN = join(__dirname, '..', 'fixtures', 'ast-tree', 'expected.json');
// Two fixture projects as a multi-root workspace.
const ROOTS = [join(FIXTURES, 'typescript'), join(FIXTURES, 'python')];

/** The tree as JSON with paths relative to the fixtures, so the golden does not depend on the checkout. */
function portable(tree: WorkspaceTree): unknown {
  const node = (n: TreeNode): unknown =>
    n.kind === 'file'
      ? { ...n, path: relative(FIXTURES, n.path) }
      : { ...n, children: n.children.map(node) };
  return { ...tree, roots: tree.roots.map(node) };
}

describe('workspace tree with symbols', () => {
  const index = new AstIndex();
  before(async () => {
    for (const root of ROOTS) {
      for (const path of listFiles(root).filter((f) => !f.endsWith('.json'))) {
        const outcome = await parse({ path, relPath: relative(root, path), text: readFileSync(path, 'utf8') });
        if (outcome.ok) index.setFile(outcome.file);
      }
    }
  });

  it('matches the golden: data and text, whole, under a folder, and within limits', () => {
    const text = (limits = {}, under?: string) => renderTree(workspaceTree(index, { roots: ROOTS, limits, under })).split('\n');
    const actual = JSON.parse(JSON.stringify({
      text: text(),
      under_zoo: text({}, join(ROOTS[0]!, 'src', 'zoo')),
      depth_0: text({ maxDepth: 0 }),
      max_files_2: text({ maxFiles: 2 }),
      entries_1: text({ maxEntriesPerFolder: 1 }),
      members_1_no_symbols: { members: text({ maxMembers: 1 }), none: text({ symbols: false }) },
      data: portable(workspaceTree(index, { roots: ROOTS })),
    })) as unknown;
    if (UPDATE || !existsSync(GOLDEN)) {
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      if (!UPDATE) assert.fail(`wrote a new golden ${GOLDEN}; review it and run again`);
      return;
    }
    assert.deepEqual(actual, JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('leaves out files outside the roots, lists given files without symbols, and nests roots by the longest match', () => {
    const outside = join(FIXTURES, 'go', 'main.go');
    const notIndexed = join(ROOTS[0]!, 'README.md');
    const tree = workspaceTree(index, { roots: [ROOTS[0]!, join(ROOTS[0]!, 'src', 'zoo')], files: [outside, notIndexed, join(ROOTS[0]!, 'src', 'zoo', 'goat.ts')] });
    assert.equal(tree.totalFiles, 2);
    assert.deepEqual(renderTree(tree).split('\n'), ['typescript/', '  README.md', 'zoo/', '  goat.ts [MAX_JUMP, Jumper (jump), Goat (weight, jump, speak)]']);
  });

  it('is empty for no files', () => {
    const tree = workspaceTree(new AstIndex(), { roots: ROOTS });
    assert.deepEqual(tree, { roots: [], totalFiles: 0, shownFiles: 0 });
    assert.equal(renderTree(tree), '');
  });
});
