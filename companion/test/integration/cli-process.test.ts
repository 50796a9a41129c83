import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fakeUpstream } from '../helpers/fake-upstream';
import { listening } from '../helpers/server-process';
import { tinyGguf } from '../helpers/tiny-model';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'src', 'main.ts');

describe('the refact-ts-server command', () => {
  it('exits 2 with a message on a bad flag', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--no-such-flag'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option '--no-such-flag'/);
    assert.match(r.stderr, /Usage: refact-ts-server/);
  });

  it('exits 1 naming a missing model file', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--model', '/nonexistent/x.gguf', '--perm-dir', mkdtempSync(join(tmpdir(), 'perm-'))], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /model file not found: \/nonexistent\/x.gguf/);
  });

  it('starts with --model, logs its address, serves caps and a completion, stops on SIGTERM', async () => {
    const gguf = await tinyGguf();
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--model', gguf, '--threads', '1', '--perm-dir', mkdtempSync(join(tmpdir(), 'perm-'))], { cwd: root });
    try {
      const url = await listening(child);
      const caps = await (await fetch(`${url}/refact-caps`)).json();
      assert.equal(caps.completion.default_model, 'tiny-llama');
      const r = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny-llama', prompt: 'hello world', max_tokens: 2 }) });
      assert.equal(r.status, 200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--import copies a GGUF into the perm dir, and --model NAME serves it then and on the next start', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    const gguf = await tinyGguf();
    for (const args of [['--import', `team/tiny=${gguf}`, '--model', 'team/tiny'], ['--model', 'team/tiny']]) {
      const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--threads', '1', '--perm-dir', perm, ...args], { cwd: root });
      try {
        const url = await listening(child);
        const caps = await (await fetch(`${url}/refact-caps`)).json();
        assert.equal(caps.completion.default_model, 'team/tiny');
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  });

  it('runs the built bundle as the proxy image does: upstreams only, no node-llama-cpp', async () => {
    const up = await fakeUpstream('U', ['m']);
    // `npm test` builds dist/ first (pretest); this is the Docker entrypoint's command.
    const child = spawn(process.execPath, [join(root, 'dist', 'main.js'), '--host', '127.0.0.1', '--port', '0', '--upstream', up.url, '--perm-dir', mkdtempSync(join(tmpdir(), 'perm-'))], { cwd: root });
    try {
      const url = await listening(child);
      const caps = await (await fetch(`${url}/refact-caps`)).json();
      assert.deepEqual(Object.keys(caps.chat.models), ['m']);
      const state = await (await fetch(`${url}/admin/api/state`)).json();
      assert.equal(state.about.compute, 'none (upstreams only)');
      const ui = await fetch(`${url}/ui/app.js`);
      assert.equal(ui.status, 200);
    } finally {
      child.kill('SIGTERM');
      await up.stop();
    }
  });
});
