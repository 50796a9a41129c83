import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../server/core/cli';
import { planLaunch, XDEBUG_HTTP_PORT, XDEBUG_LSP_PORT, type LaunchInput } from '../../src/engine/launch-plan';
import { RestartBudget } from '../../src/engine/restart-budget';
import { engineFlags, engineIdentity, readSettings, SETTING_DEFAULTS, type ExtensionSettings } from '../../src/settings';

const SECRET = 'sk-launch-secret-7';
const settings: ExtensionSettings = { ...SETTING_DEFAULTS, addressUrl: 'http://127.0.0.1:8008', vecdb: true, insecureSsl: true, engineArgs: ['--verbose'] };
const input: LaunchInput = {
  execPath: '/opt/vscode/node',
  enginePath: '/ext/dist/server/main.js',
  flags: engineFlags(settings),
  xDebug: false,
  apiKey: SECRET,
  workspaceFolders: ['/ws/a', '/ws/b'],
  httpPort: 4321,
  pingMessage: 'ping-abcdef012345',
  baseEnv: { PATH: '/usr/bin', REFACT_API_KEY: 'sk-inherited' },
};

describe('engine launch plan', () => {
  it('spawns the engine on the host runtime with a command line the engine accepts and no secret in it', () => {
    const plan = planLaunch(input);
    assert.equal(plan.kind, 'spawn');
    if (plan.kind !== 'spawn') return;
    assert.equal(plan.command, '/opt/vscode/node');
    assert.equal(plan.args[0], '/ext/dist/server/main.js');
    assert.ok(!plan.args.some((a) => a.includes(SECRET)), plan.args.join(' '));
    assert.equal(plan.env.REFACT_API_KEY, SECRET, 'the key travels in the environment and overrides an inherited one');
    assert.equal(plan.env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(plan.env.PATH, '/usr/bin');
    const parsed = parseCommandLine(plan.args.slice(1), {});
    assert.equal(parsed.kind, 'run', JSON.stringify(parsed));
    if (parsed.kind !== 'run') return;
    const o = parsed.options;
    assert.equal(o.httpPort, 4321);
    assert.ok(o.lspStdinStdout);
    assert.equal(o.pingMessage, 'ping-abcdef012345');
    assert.deepEqual(o.workspaceFolders, ['/ws/a', '/ws/b']);
    assert.equal(o.addressUrl, 'http://127.0.0.1:8008');
    assert.equal(o.apiKey, '', 'no key on the command line');
    assert.deepEqual([o.ast, o.astMaxFiles, o.vecdb, o.vecdbMaxFiles, o.insecure, o.verbose], [true, 35000, true, 15000, true, true]);
  });

  it('with xDebug starts nothing and connects to 8001 (HTTP) and 8002 (LSP)', () => {
    assert.deepEqual(planLaunch({ ...input, xDebug: true }), { kind: 'connect', httpPort: XDEBUG_HTTP_PORT, lspPort: XDEBUG_LSP_PORT, pingMessage: 'pong' });
    assert.deepEqual([XDEBUG_HTTP_PORT, XDEBUG_LSP_PORT], [8001, 8002]);
  });
});

describe('settings to engine flags', () => {
  const reader = (values: Record<string, unknown>) => <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);

  it('reads Refact-style keys with Refact defaults, and bad values keep the default', () => {
    assert.deepEqual(readSettings(reader({})), SETTING_DEFAULTS);
    const s = readSettings(reader({ addressURL: ' http://gpu:8008 ', xDebug: true, completionMaxTokens: 99.6, codeCompletionModel: 'm', pauseCompletion: true, astFileLimit: 1e9, vecdbFileLimit: -5, insecureSSL: 'yes', engineArgs: ['--verbose', 7] }));
    assert.equal(s.addressUrl, 'http://gpu:8008');
    assert.equal(s.xDebug, true);
    assert.equal(s.completionMaxTokens, 100);
    assert.equal(s.completionModel, 'm');
    assert.equal(s.pauseCompletion, true);
    assert.equal(s.astFileLimit, 65535, 'the engine takes at most 65535');
    assert.equal(s.vecdbFileLimit, 1);
    assert.equal(s.insecureSsl, false, 'a string is not a boolean');
    assert.deepEqual(s.engineArgs, ['--verbose']);
  });

  it('maps the index switches, their limits and insecure SSL to flags', () => {
    assert.deepEqual(engineFlags(SETTING_DEFAULTS), ['--address-url', '', '--ast', '--ast-max-files', '35000']);
    assert.deepEqual(engineFlags({ ...SETTING_DEFAULTS, ast: false, vecdb: true, vecdbFileLimit: 10, insecureSsl: true, engineArgs: ['-v'] }), ['--address-url', '', '--vecdb', '--vecdb-max-files', '10', '--insecure', '-v']);
  });

  it('restarts the engine only for settings that shape its command line or the key', () => {
    const id = engineIdentity(SETTING_DEFAULTS, 'k');
    assert.equal(engineIdentity({ ...SETTING_DEFAULTS, pauseCompletion: true, completionModel: 'x', completionMaxTokens: 20, codeLens: false }, 'k'), id);
    for (const change of [{ addressUrl: 'http://x' }, { ast: false }, { astFileLimit: 5 }, { vecdb: true }, { insecureSsl: true }, { xDebug: true }, { engineArgs: ['-v'] }]) {
      assert.notEqual(engineIdentity({ ...SETTING_DEFAULTS, ...change }, 'k'), id, JSON.stringify(change));
    }
    assert.notEqual(engineIdentity(SETTING_DEFAULTS, 'k2'), id, 'a new API key');
    assert.equal(engineIdentity({ ...SETTING_DEFAULTS, xDebug: true, ast: false }, 'a'), engineIdentity({ ...SETTING_DEFAULTS, xDebug: true }, 'b'), 'with xDebug nothing of ours shapes the engine');
  });
});

describe('restart budget', () => {
  it('allows three restarts in three minutes, then gives up; old crashes age out; a manual restart resets it', () => {
    const budget = new RestartBudget(3, 180_000);
    assert.deepEqual([budget.crashed(0), budget.crashed(1000), budget.crashed(2000), budget.crashed(3000)], [true, true, true, false]);
    const aging = new RestartBudget(3, 180_000);
    assert.deepEqual([aging.crashed(0), aging.crashed(1000), aging.crashed(2000), aging.crashed(200_000)], [true, true, true, true]);
    budget.reset();
    assert.equal(budget.crashed(4000), true);
  });
});
