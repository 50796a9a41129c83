import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCommand } from '../../server/services/tools/shell';
import { eventually } from '../helpers/engine-process';
import { makeToolsKit } from './tools-kit';

/** Gone: no such process, or a zombie nobody reaps yet (a container's pid 1 may not). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

describe('shell and command-line tools', () => {
  it('runs in the workspace and reports output and exit code as Refact does', async () => {
    const kit = makeToolsKit();
    const ok = await kit.registry.run('shell', { command: 'pwd; ls src' }, kit.ctx());
    assert.equal(ok.ok, true, ok.content);
    assert.match(ok.content, new RegExp(`^${kit.root}\\napp.ts\\ngreet.ts\\n\\nThe command was running [\\d.]+s, finished with exit code 0\\n$`));
    const failing = await kit.registry.run('shell', { command: 'echo out; echo err >&2; exit 3', workdir: 'src' }, kit.ctx());
    assert.equal(failing.ok, false);
    assert.match(failing.content, /^STDOUT\n```\nout\n```\n\nSTDERR\n```\nerr\n```\n\nThe command was running .*exit code 3/);
    const outside = await kit.registry.run('shell', { command: 'ls', workdir: kit.outside }, kit.ctx());
    assert.match(outside.content, /outside the workspace/);
  });

  it('passes only allowlisted environment variables', async () => {
    const kit = makeToolsKit();
    process.env.OPENAI_API_KEY = 'sk-should-not-leak';
    process.env.REFACT_TEST_TOKEN = 'token-should-not-leak';
    try {
      const env = await kit.registry.run('shell', { command: 'env', output_limit: 'all' }, kit.ctx());
      assert.match(env.content, /^PATH=/m);
      assert.doesNotMatch(env.content, /should-not-leak/);
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.REFACT_TEST_TOKEN;
    }
  });

  it('keeps the head and tail of long output, in memory and for the model', async () => {
    const kit = makeToolsKit();
    const long = await kit.registry.run('shell', { command: 'seq 1 100000', output_limit: '6' }, kit.ctx());
    assert.match(long.content, /^1\n2\n3\n\.\.\. \d+ lines skipped .*\n99998\n99999\n100000\n/);
    const bytes = await runCommand({ command: 'seq 1 200000', cwd: kit.root, timeoutMs: 60_000, signal: new AbortController().signal, keepBytes: 1000 });
    assert.ok(bytes.stdout.startsWith('1\n2\n3\n'));
    assert.ok(bytes.stdout.endsWith('199999\n200000\n'));
    assert.match(bytes.stdout, /\.\.\. \d+ bytes of output skipped \.\.\./);
    assert.ok(bytes.stdout.length < 2200);
  });

  it('kills the command and its children at the time limit', async () => {
    const kit = makeToolsKit();
    const pidFile = join(kit.root, 'child.pid');
    const result = await kit.registry.run('shell', { command: `sleep 600 & echo $! > ${pidFile}; echo started; wait`, timeout: '1' }, kit.ctx());
    assert.equal(result.ok, false);
    assert.match(result.content, /started[\s\S]*timed out after 1 seconds; it and its child processes were killed/);
    const child = Number(readFileSync(pidFile, 'utf8'));
    await eventually('the timed-out child to be gone', async () => (processGone(child) ? true : null));
  });

  it('abort kills the whole process group (the child pid is gone)', async () => {
    const kit = makeToolsKit();
    const pidFile = join(kit.root, 'child.pid');
    const abort = new AbortController();
    let shellPid = 0;
    const running = runCommand({ command: `sleep 600 & echo $! > ${pidFile}; wait`, cwd: kit.root, timeoutMs: 600_000, signal: abort.signal, onSpawn: (pid) => (shellPid = pid) });
    const child = await eventually('the background child to start', async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : null));
    assert.ok(!processGone(child));
    abort.abort();
    const outcome = await running;
    assert.equal(outcome.aborted, true);
    await eventually('the child to be gone', async () => (processGone(child) ? true : null));
    assert.ok(processGone(shellPid));
  });

  it('asks before shell, rm and mv by default, honours shell.yaml rules and "allow for this chat"', async () => {
    const kit = makeToolsKit();
    const ask = await kit.registry.needsConfirmation('shell', { command: 'npm test' });
    assert.deepEqual(ask, { decision: 'ask', command: 'npm test', rule: '*', integr_config_path: join(kit.configDir, 'integrations.d', 'shell.yaml') });
    assert.equal((await kit.registry.needsConfirmation('rm', { path: 'a', recursive: true })).command, 'rm -r a');
    assert.equal((await kit.registry.needsConfirmation('cat', { paths: 'a' })).decision, 'run');
    assert.equal((await kit.registry.needsConfirmation('shell', { command: 'npm test' }, new Set(['shell']))).decision, 'run');
    mkdirSync(join(kit.configDir, 'integrations.d'));
    writeFileSync(join(kit.configDir, 'integrations.d', 'shell.yaml'), 'timeout: "20"\nconfirmation:\n  ask_user: ["*git push*"]\n  deny: ["*rm -rf*"]\n');
    const fresh = makeToolsKit({ configDir: kit.configDir });
    assert.equal((await fresh.registry.needsConfirmation('shell', { command: 'npm test' })).decision, 'run');
    assert.equal((await fresh.registry.needsConfirmation('shell', { command: 'git push origin' })).decision, 'ask');
    const denied = await fresh.registry.needsConfirmation('shell', { command: 'rm -rf /' }, new Set(['shell']));
    assert.equal(denied.decision, 'deny');
    const run = await fresh.registry.run('shell', { command: 'rm -rf src' }, fresh.ctx());
    assert.equal(run.ok, false);
    assert.match(run.content, /denied by the rule `\*rm -rf\*`/);
    assert.ok(existsSync(join(fresh.root, 'src', 'app.ts')));
    const check = await fresh.registry.checkToolCalls([
      { id: 't1', type: 'function', function: { name: 'shell', arguments: '{"command":"git push"}' } },
      { id: 't2', type: 'function', function: { name: 'shell', arguments: '{"command":"rm -rf x"}' } },
      { id: 't3', type: 'function', function: { name: 'cat', arguments: '{"paths":"a"}' } },
      { id: 't4', type: 'function', function: { name: 'nope', arguments: '{}' } },
    ]);
    assert.deepEqual(check.pause_reasons.map((r) => [r.tool_call_id, r.type, r.rule]), [['t1', 'confirmation', '*git push*'], ['t2', 'denial', '*rm -rf*']]);
  });

  it('offers and runs cmdline_* tools from the project integrations.d, with their rules', async () => {
    const kit = makeToolsKit();
    const tools = await kit.registry.list('AGENT');
    const spec = tools.find((t) => t.function.name === 'cmdline_count_lines');
    assert.deepEqual(spec?.function.parameters, { type: 'object', properties: { file: { type: 'string', description: 'Path of the file, relative to the workspace' } }, required: ['file'] });
    assert.ok(!(await kit.registry.list('EXPLORE')).some((t) => t.function.name === 'cmdline_count_lines'));
    const result = await kit.registry.run('cmdline_count_lines', { file: 'src/app.ts' }, kit.ctx());
    assert.equal(result.ok, true, result.content);
    assert.match(result.content, /^5 src\/app\.ts\n/);
    const quoted = await kit.registry.run('cmdline_count_lines', { file: 'src/app.ts; touch pwned' }, kit.ctx());
    assert.equal(quoted.ok, false);
    assert.ok(!existsSync(join(kit.root, 'pwned')));
    const denied = await kit.registry.run('cmdline_count_lines', { file: 'secrets.env' }, kit.ctx());
    assert.match(denied.content, /denied by the rule `\*secrets\*`/);
    assert.match((await kit.registry.run('cmdline_count_lines', {}, kit.ctx())).content, /Missing required argument `file`/);
  });
});
