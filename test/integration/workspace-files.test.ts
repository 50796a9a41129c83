import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../server/services/logger';
import { WorkspaceFiles } from '../../server/services/workspace-files';
import { tempDir, writeFiles } from '../helpers/engine-process';

const logger = createLogger({ kind: 'stderr' }, 'error');

describe('workspace files', () => {
  it('lists a git repository with its ignores, blocklist and size checks', async () => {
    const root = tempDir('repo');
    writeFiles(root, {
      'src/main.ts': 'export const x = 1;\n',
      'src/untracked.py': 'print(1)\n',
      'ignored/out.txt': 'x\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      '.gitignore': 'ignored/\n',
      '.refact/indexing.yaml': 'blocklist: ["*/docs/*"]\n',
      'docs/readme.md': '# docs\n',
      'assets/logo.png': Buffer.from([137, 80, 78, 71]),
      'big.txt': Buffer.alloc(4 * 1024 * 1024 + 1, 97),
    });
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['-C', root, 'add', 'src/main.ts', '.gitignore', 'docs', 'big.txt', 'assets']);
    const files = new WorkspaceFiles({ configDir: tempDir('config'), home: '/nonexistent', logger, maxFiles: 100 });
    const listing = await files.list([root]);
    assert.deepEqual(listing.files, [join(root, 'src/main.ts'), join(root, 'src/untracked.py')]);
    assert.deepEqual(listing.vcsRoots.length, 1);
    assert.equal(listing.rejected['binary'], 1);
    assert.equal(listing.rejected['over 4 MB'], 1);
    assert.ok((listing.rejected['blocklisted'] ?? 0) >= 2, JSON.stringify(listing.rejected));
    assert.equal(listing.maxFilesHit, false);
  });

  it('walks a folder outside git with its .gitignore files, lists nested repositories by git, and honours the file cap', async () => {
    const root = tempDir('plain');
    writeFiles(root, { 'a.ts': 'a\n', 'b.ts': 'b\n', 'sub/c.go': 'package c\n', 'sub/.gitignore': 'gen/\n*.pb.go\n', 'sub/gen/x.go': 'package gen\n', 'sub/api.pb.go': 'package sub\n', 'build/gen.ts': 'x\n', 'nested/keep.rs': 'fn a() {}\n', 'nested/skip.log': 'l\n', 'nested/.gitignore': '*.log\n' });
    execFileSync('git', ['init', '-q', join(root, 'nested')]);
    const files = new WorkspaceFiles({ configDir: tempDir('config'), home: '/nonexistent', logger, maxFiles: 3 });
    const listing = await files.list([root]);
    assert.equal(listing.maxFilesHit, true);
    assert.equal(listing.rejected['over max files'], 1);
    assert.equal(listing.files.length, 3);
    const all = await new WorkspaceFiles({ configDir: tempDir('config'), home: '/nonexistent', logger, maxFiles: 100 }).list([root]);
    assert.deepEqual(all.files, ['a.ts', 'b.ts', 'nested/keep.rs', 'sub/c.go'].map((f) => join(root, f)));
  });

  it('adds additional_indexing_dirs from the global indexing.yaml', async () => {
    const root = tempDir('main');
    const extra = tempDir('extra');
    const config = tempDir('config');
    writeFiles(root, { 'm.py': 'x = 1\n' });
    writeFiles(extra, { 'lib.py': 'y = 2\n' });
    writeFiles(config, { 'indexing.yaml': `additional_indexing_dirs: ["${extra}"]\n` });
    const listing = await new WorkspaceFiles({ configDir: config, home: '/nonexistent', logger, maxFiles: 100 }).list([root]);
    assert.deepEqual(listing.files.sort(), [join(extra, 'lib.py'), join(root, 'm.py')].sort());
  });
});
