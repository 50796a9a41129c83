import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../../server/http/app';
import { checkpointRoutes } from '../../server/http/routes/checkpoints';
import { createLogger } from '../../server/services/logger';
import { makeToolsKit } from './tools-kit';

const hashFile = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

function change(root: string): void {
  writeFileSync(join(root, 'src', 'app.ts'), 'changed by the agent\n');
  rmSync(join(root, 'docs', 'notes.md'));
  writeFileSync(join(root, 'added.txt'), 'new file\n');
  writeFileSync(join(root, 'debug.log'), 'ignored, changed after the checkpoint\n');
}

describe('checkpoints in a shadow repository', () => {
  it('create, preview and restore a folder that is not a git repository', async () => {
    const kit = makeToolsKit();
    const app = readFileSync(join(kit.root, 'src', 'app.ts'), 'utf8');
    const [checkpoint] = await kit.checkpoints.create('before turn 1');
    assert.ok(checkpoint && /^[0-9a-f]{40}$/.test(checkpoint.commit_hash));
    assert.equal(checkpoint.workspace_folder, kit.root);
    assert.ok(kit.checkpoints.gitDirOf(kit.root).startsWith(join(kit.cacheDir, 'checkpoints')));
    assert.ok(!existsSync(join(kit.root, '.git')));
    change(kit.root);
    const preview = await kit.checkpoints.preview(checkpoint);
    assert.deepEqual(preview.files_changed.map((c) => [c.relative_path, c.status]).sort(), [['added.txt', 'DELETED'], ['docs/notes.md', 'ADDED'], ['src/app.ts', 'MODIFIED']]);
    assert.match(preview.reverted_to, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // A preview changes nothing on disk.
    assert.equal(readFileSync(join(kit.root, 'src', 'app.ts'), 'utf8'), 'changed by the agent\n');
    const restored = await kit.checkpoints.restore(checkpoint);
    assert.equal(restored.length, 3);
    assert.equal(readFileSync(join(kit.root, 'src', 'app.ts'), 'utf8'), app);
    assert.ok(existsSync(join(kit.root, 'docs', 'notes.md')));
    assert.ok(!existsSync(join(kit.root, 'added.txt')));
    assert.equal(readFileSync(join(kit.root, 'debug.log'), 'utf8'), 'ignored, changed after the checkpoint\n');
    assert.deepEqual(kit.changes.map((c) => c.kind).sort(), ['changed', 'created', 'deleted']);
    // The undo checkpoint from the preview brings the agent's state back.
    await kit.checkpoints.restore(preview.checkpoint_for_undo);
    assert.equal(readFileSync(join(kit.root, 'src', 'app.ts'), 'utf8'), 'changed by the agent\n');
    assert.ok(existsSync(join(kit.root, 'added.txt')));
  });

  it('serializes snapshots of one folder: parallel creates all succeed, each its own commit', async () => {
    const kit = makeToolsKit();
    const made = await Promise.all([1, 2, 3, 4].map((i) => kit.checkpoints.create(`turn ${i}`)));
    assert.equal(new Set(made.map(([c]) => c!.commit_hash)).size, 4);
  });

  it('never touches the user\'s own git repository', async () => {
    const kit = makeToolsKit();
    const git = (...args: string[]) => execFileSync('git', ['-C', kit.root, '-c', 'user.name=u', '-c', 'user.email=u@x', ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'user commit');
    const head = git('rev-parse', 'HEAD');
    const index = hashFile(join(kit.root, '.git', 'index'));
    const refs = git('for-each-ref');
    const [checkpoint] = await kit.checkpoints.create('before turn');
    change(kit.root);
    await kit.checkpoints.preview(checkpoint!);
    await kit.checkpoints.restore(checkpoint!);
    assert.equal(hashFile(join(kit.root, '.git', 'index')), index);
    assert.equal(git('rev-parse', 'HEAD'), head);
    assert.equal(git('for-each-ref'), refs);
    assert.equal(git('status', '--porcelain'), '');
    assert.equal(git('log', '--oneline').trim().split('\n').length, 1);
  });

  it('routes: preview and restore answer Refact\'s shapes; the session hears of a restore', async () => {
    const kit = makeToolsKit();
    const restored: Array<[string, unknown]> = [];
    const app = buildApp({ anyHost: false, logger: createLogger({ kind: 'stderr' }, 'error'), routes: [checkpointRoutes({ checkpoints: kit.checkpoints, onRestored: (id, list) => restored.push([id, list]) })] });
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { host: '127.0.0.1', 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    const checkpoints = await kit.checkpoints.create('turn');
    change(kit.root);
    const preview = await post('/v1/checkpoints-preview', { checkpoints, meta: { chat_id: 'c9' } });
    assert.equal(preview.statusCode, 200);
    const body = preview.json();
    assert.equal(body.reverted_changes[0].workspace_folder, kit.root);
    assert.equal(body.reverted_changes[0].files_changed.length, 3);
    assert.equal(body.checkpoints_for_undo.length, 1);
    assert.deepEqual(body.error_log, []);
    const restore = await post('/v1/checkpoints-restore', { checkpoints, meta: { chat_id: 'c9' } });
    assert.deepEqual(restore.json(), { success: true, error_log: [] });
    assert.deepEqual(restored, [['c9', checkpoints]]);
    assert.ok(!existsSync(join(kit.root, 'added.txt')));
    const unknown = await post('/v1/checkpoints-restore', { checkpoints: [{ workspace_folder: kit.root, commit_hash: 'deadbeef' }], meta: { chat_id: 'c9' } });
    assert.equal(unknown.statusCode, 200);
    assert.equal(unknown.json().success, false);
    assert.match(unknown.json().error_log[0], /There is no checkpoint deadbeef/);
    const foreign = await post('/v1/checkpoints-preview', { checkpoints: [{ workspace_folder: kit.outside, commit_hash: 'deadbeef' }] });
    assert.match(foreign.json().error_log[0], /is not a workspace folder/);
    assert.equal(restored.length, 1);
  });
});
