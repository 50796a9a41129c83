import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DiffChunk } from '../../src/protocol/tools';
import { toolResultMessages } from '../../server/services/tools/tool-registry';
import { makeToolsKit } from './tools-kit';

describe('file tools through the registry', () => {
  it('cat attaches the file, then update_textdoc writes it, answers DiffChunks and tells the index', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'src', 'greet.ts');
    const cat = await kit.registry.run('cat', '{"paths":"src/greet.ts"}', kit.ctx());
    assert.equal(cat.ok, true);
    assert.equal(cat.contextFiles?.[0]?.file_name, path);
    assert.match(cat.contextFiles![0]!.file_content, /Hello, \$\{name\}/);
    const edit = await kit.registry.run('update_textdoc', { path, old_str: 'Hello', replacement: 'Howdy' }, kit.ctx());
    assert.equal(edit.ok, true, edit.content);
    assert.match(readFileSync(path, 'utf8'), /Howdy, \$\{name\}/);
    assert.deepEqual(edit.diff, [{ file_name: path, file_action: 'edit', line1: 2, line2: 3, lines_remove: '  return `Hello, ${name}!`;\n', lines_add: '  return `Howdy, ${name}!`;\n', file_name_rename: null, application_details: '' }]);
    assert.deepEqual(kit.changes, [{ kind: 'changed', path }]);
    const messages = toolResultMessages('call_1', edit, (() => { let n = 0; return () => `m${n++}`; })());
    assert.deepEqual(messages.map((m) => m.role), ['tool', 'diff']);
    assert.deepEqual(JSON.parse(messages[1]!.content as string) as DiffChunk[], edit.diff);
  });

  it('refuses a stale edit (the file changed since cat) and leaves the file as it is', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'src', 'greet.ts');
    await kit.registry.run('cat', { paths: path }, kit.ctx());
    writeFileSync(path, 'export function greet(name: string): string {\n  return `Hi, ${name}!`;\n}\n');
    const edit = await kit.registry.run('update_textdoc', { path, old_str: '{', replacement: '{ // x' }, kit.ctx());
    assert.equal(edit.ok, false);
    assert.match(edit.content, /changed on disk since you last read it.*Nothing was written.*cat\(\)/s);
    assert.match(readFileSync(path, 'utf8'), /Hi, \$\{name\}/);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /\/\/ x/);
    assert.deepEqual(kit.changes, []);
    const messages = toolResultMessages('c', edit, () => 'id');
    assert.equal((messages[0] as { tool_failed?: boolean }).tool_failed, true);
    // Read again, the same edit goes through.
    await kit.registry.run('cat', { paths: path }, kit.ctx());
    assert.equal((await kit.registry.run('update_textdoc', { path, old_str: 'Hi', replacement: 'Hey' }, kit.ctx())).ok, true);
  });

  it('a failed edit is reported as failed and writes nothing', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'src', 'app.ts');
    const before = readFileSync(path, 'utf8');
    const edit = await kit.registry.run('update_textdoc', { path, old_str: 'not in the file', replacement: 'x' }, kit.ctx());
    assert.equal(edit.ok, false);
    assert.match(edit.content, /did not appear verbatim/);
    assert.equal(readFileSync(path, 'utf8'), before);
    const same = await kit.registry.run('update_textdoc', { path, old_str: 'main', replacement: 'main' }, kit.ctx());
    assert.equal(same.ok, false);
    assert.match(same.content, /unchanged/);
  });

  it('keeps CRLF line endings and a UTF-8 BOM', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'win.txt');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\ntwo\r\nthree\r\n')]));
    const edit = await kit.registry.run('update_textdoc', { path, old_str: 'two\nthree', replacement: 'TWO\nTHREE\nfour' }, kit.ctx());
    assert.equal(edit.ok, true, edit.content);
    assert.deepEqual(readFileSync(path), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\nTWO\r\nTHREE\r\nfour\r\n')]));
    const replaced = await kit.registry.run('create_textdoc', { path, content: 'all\nnew\n' }, kit.ctx());
    assert.equal(replaced.ok, true);
    assert.deepEqual(readFileSync(path), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('all\r\nnew\r\n')]));
  });

  it('update_textdoc_by_lines needs a read first, then replaces the lines', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'docs', 'notes.md');
    const blind = await kit.registry.run('update_textdoc_by_lines', { path, content: '# Title', ranges: '1' }, kit.ctx());
    assert.equal(blind.ok, false);
    assert.match(blind.content, /has not been read in this chat/);
    await kit.registry.run('cat', { paths: 'docs/notes.md' }, kit.ctx());
    const edit = await kit.registry.run('update_textdoc_by_lines', { path, content: '# Title', ranges: '1' }, kit.ctx());
    assert.equal(edit.ok, true, edit.content);
    assert.equal(readFileSync(path, 'utf8'), '# Title\n\nThe greeting lives in src/greet.ts.\n');
    const regex = await kit.registry.run('update_textdoc_regex', { path, pattern: 'src/(\\w+)\\.ts', replacement: 'lib/$1.js' }, kit.ctx());
    assert.equal(regex.ok, true, regex.content);
    assert.match(readFileSync(path, 'utf8'), /lib\/greet\.js/);
  });

  it('create_textdoc makes folders and answers an add chunk; rm and mv change the disk', async () => {
    const kit = makeToolsKit();
    const created = await kit.registry.run('create_textdoc', { path: 'lib/new/file.ts', content: 'export const x = 1;\n' }, kit.ctx());
    assert.equal(created.ok, true, created.content);
    const path = join(kit.root, 'lib', 'new', 'file.ts');
    assert.equal(readFileSync(path, 'utf8'), 'export const x = 1;\n');
    assert.equal(created.diff?.[0]?.file_action, 'add');
    const moved = await kit.registry.run('mv', { source: path, destination: 'lib/moved.ts' }, kit.ctx());
    assert.equal(moved.ok, true, moved.content);
    assert.ok(!existsSync(path) && existsSync(join(kit.root, 'lib', 'moved.ts')));
    assert.equal(moved.diff?.[0]?.file_action, 'rename');
    const clash = await kit.registry.run('mv', { source: 'src/app.ts', destination: 'lib/moved.ts' }, kit.ctx());
    assert.equal(clash.ok, false);
    assert.match(clash.content, /overwrite=true/);
    const dir = await kit.registry.run('rm', { path: 'lib' }, kit.ctx());
    assert.equal(dir.ok, false);
    assert.match(dir.content, /recursive=true/);
    const dry = await kit.registry.run('rm', { path: 'lib/moved.ts', dry_run: true }, kit.ctx());
    assert.equal(dry.ok, true);
    assert.ok(existsSync(join(kit.root, 'lib', 'moved.ts')));
    const rm = await kit.registry.run('rm', { path: 'lib', recursive: true }, kit.ctx());
    assert.equal(rm.ok, true, rm.content);
    assert.ok(!existsSync(join(kit.root, 'lib')));
    assert.deepEqual(kit.changes.map((c) => c.kind), ['created', 'deleted', 'created', 'deleted']);
  });

  it('refuses path escapes: "..", an absolute path outside, a symlink out (reading and writing)', async () => {
    const kit = makeToolsKit();
    symlinkSync(kit.outside, join(kit.root, 'escape'));
    symlinkSync(join(kit.outside, 'not-yet.txt'), join(kit.root, 'dangling.txt'));
    const cases: Array<[string, unknown, RegExp]> = [
      ['cat', { paths: '../outside/secret.txt' }, /contains "\.\."/],
      ['cat', { paths: join(kit.outside, 'secret.txt') }, /outside the workspace/],
      ['cat', { paths: 'escape/secret.txt' }, /symbolic link/],
      ['create_textdoc', { path: 'escape/new.txt', content: 'x' }, /symbolic link/],
      ['create_textdoc', { path: 'dangling.txt', content: 'x' }, /symbolic link/],
      ['update_textdoc', { path: '/etc/hostname', old_str: 'a', replacement: 'b' }, /outside the workspace/],
      ['rm', { path: 'src/../../outside/secret.txt' }, /contains "\.\."/],
      ['mv', { source: 'src/app.ts', destination: join(kit.outside, 'app.ts') }, /outside the workspace/],
    ];
    for (const [tool, args, why] of cases) {
      const result = await kit.registry.run(tool, args, kit.ctx());
      assert.equal(result.ok, false, `${tool} ${JSON.stringify(args)}`);
      assert.match(result.content, why, `${tool} ${JSON.stringify(args)}`);
      assert.equal(result.contextFiles?.length ?? 0, 0);
    }
    assert.equal(readFileSync(join(kit.outside, 'secret.txt'), 'utf8'), 'outside secret\n');
    assert.ok(!existsSync(join(kit.outside, 'new.txt')) && !existsSync(join(kit.outside, 'not-yet.txt')) && !existsSync(join(kit.outside, 'app.ts')));
  });

  it('privacy rules keep blocked files from cat and from edits', async () => {
    const kit = makeToolsKit();
    const cat = await kit.registry.run('cat', { paths: 'secrets.env' }, kit.ctx());
    assert.equal(cat.ok, false);
    assert.match(cat.content, /blocked by privacy rule '\*\.env'/);
    assert.equal(cat.contextFiles?.length, 0);
    const edit = await kit.registry.run('update_textdoc', { path: 'secrets.env', old_str: 'API_KEY', replacement: 'X' }, kit.ctx());
    assert.equal(edit.ok, false);
    assert.equal(readFileSync(join(kit.root, 'secrets.env'), 'utf8'), 'API_KEY=greet-secret\n');
  });

  it('unknown tools, bad arguments and tools outside the mode come back as errors', async () => {
    const kit = makeToolsKit();
    const unknown = await kit.registry.run('launch_rockets', {}, kit.ctx());
    assert.equal(unknown.ok, false);
    assert.match(unknown.content, /There is no tool `launch_rockets`. Available tools: .*cat/);
    const bad = await kit.registry.run('cat', '{"paths": 5', kit.ctx());
    assert.match(bad.content, /not valid JSON/);
    const explore = await kit.registry.run('rm', { path: 'src/app.ts' }, kit.ctx(), 'EXPLORE');
    assert.equal(explore.ok, false);
    assert.match(explore.content, /not available in EXPLORE mode/);
    assert.ok(existsSync(join(kit.root, 'src', 'app.ts')));
  });

  it('dry run answers before/after/chunks and writes nothing', async () => {
    const kit = makeToolsKit();
    const path = join(kit.root, 'src', 'app.ts');
    const before = readFileSync(path, 'utf8');
    const dry = await kit.registry.dryRun('update_textdoc', { path, old_str: 'world', replacement: 'there' }, [kit.root]);
    assert.ok('file_after' in dry);
    assert.equal(dry.file_before, before);
    assert.equal(dry.file_after, before.replace('world', 'there'));
    assert.equal(dry.chunks.length, 1);
    assert.equal(readFileSync(path, 'utf8'), before);
    assert.deepEqual(await kit.registry.dryRun('rm', { path }, [kit.root]), { error: 'Unknown tool name: rm', unknownTool: true });
  });
});

describe('edits and the IDE', () => {
  it('refuses to overwrite unsaved changes of a document open in the editor', async () => {
    const open = new Map<string, string>();
    const kit = makeToolsKit({ openText: (path) => open.get(path) ?? null });
    const path = join(kit.root, 'src', 'greet.ts');
    const disk = readFileSync(path, 'utf8');
    open.set(path, disk.replace('Hello', 'Hello there'));
    const edit = await kit.registry.run('update_textdoc', { path, old_str: 'string', replacement: 'String' }, kit.ctx());
    assert.equal(edit.ok, false);
    assert.match(edit.content, /unsaved changes in the editor/);
    assert.equal(readFileSync(path, 'utf8'), disk);
    // Saved (the editor's text equals the disk again): the edit goes through.
    open.set(path, disk);
    assert.equal((await kit.registry.run('update_textdoc', { path, old_str: 'name: string', replacement: 'name: String' }, kit.ctx())).ok, true);
  });
});
