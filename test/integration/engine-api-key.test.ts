import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planEngineLaunch } from '../../src/engine-launcher';
import { startCapsServer, type CapsServer } from '../helpers/caps-server';
import { ENGINE_MAIN, eventually, freePort, tempDir } from '../helpers/engine-process';

const SECRET = 'sk-launch-secret-7';
const CAPS = {
  cloud_name: 'Refact Self-Hosted',
  completion: { endpoint: '/v1/completions', models: { 'tiny/base': { n_ctx: 2048 } }, default_model: 'tiny/base' },
  chat: { endpoint: '/v1/chat/completions', models: {}, default_model: '' },
  caps_version: 1,
};

/**
 * The engine started exactly as the extension starts it (the launch plan's command, args and
 * environment), against a caps server that records the bearer token it receives.
 */
describe('the engine as the extension launches it gets its API key from the environment', () => {
  let caps: CapsServer;
  let child: ChildProcess;
  let args: string[];
  let baseUrl: string;
  before(async () => {
    caps = await startCapsServer();
    caps.route('/refact-caps', CAPS);
    const root = tempDir('api-key');
    const port = await freePort();
    const plan = planEngineLaunch(ENGINE_MAIN, {
      addressUrl: caps.url, apiKey: SECRET, xDebug: false, ast: false, vecdb: false,
      engineArgs: ['--logs-stderr', '--config-dir', join(root, 'config'), '--cache-dir', join(root, 'cache')],
    }, [], port);
    const run = (plan.serverOptions as { run: { command: string; args: string[]; options: { env: NodeJS.ProcessEnv } } }).run;
    args = run.args;
    child = spawn(run.command, run.args, { env: run.options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout!.resume();
    child.stderr!.resume();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await caps.close();
  });

  it('no secret on the command line every local user can read', () => {
    assert.ok(!args.some((a) => a.includes(SECRET)), args.join(' '));
    assert.ok(!(child.spawnargs ?? []).some((a) => a.includes(SECRET)));
  });

  it('sends the key from REFACT_API_KEY as the bearer token to the caps server', async () => {
    await eventually('caps loaded', async () => ((await fetch(`${baseUrl}/v1/caps`)).status === 200 ? true : null));
    const request = caps.requests.find((r) => r.path === '/refact-caps');
    assert.ok(request, 'the engine asked for caps');
    assert.equal(request.headers.authorization, `Bearer ${SECRET}`);
  });
});
