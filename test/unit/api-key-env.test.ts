import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../server/core/cli';
import { planEngineLaunch, type EngineSettings } from '../../src/engine-launcher';

const SECRET = 'sk-very-secret-42';
const settings: EngineSettings = { addressUrl: 'http://127.0.0.1:8008', apiKey: SECRET, xDebug: false, ast: true, vecdb: false, engineArgs: ['--verbose'] };

/** The command line and environment the extension starts the engine with. */
function launched(s: EngineSettings) {
  const run = (planEngineLaunch('/ext/dist/server/main.js', s, ['/ws'], 4321).serverOptions as { run: { args: string[]; options: { env: Record<string, string | undefined> } } }).run;
  return { args: run.args, env: run.options.env };
}

function apiKeyOf(argv: string[], env: Record<string, string | undefined>): string {
  const result = parseCommandLine(argv, env);
  assert.equal(result.kind, 'run');
  return result.kind === 'run' ? result.options.apiKey : '';
}

describe('the API key stays off the command line', () => {
  it('the launch plan passes it in REFACT_API_KEY, and nowhere in args', () => {
    const { args, env } = launched(settings);
    assert.ok(!args.some((a) => a.includes(SECRET)), `secret in args: ${args.join(' ')}`);
    assert.ok(!args.includes('--api-key'));
    assert.equal(env.REFACT_API_KEY, SECRET);
    assert.ok(args.includes('--address-url') && args.includes('--verbose'), 'the other flags are still there');
  });

  it('an empty key setting is passed as empty, so a REFACT_API_KEY the editor inherited cannot stand in', () => {
    const before = process.env.REFACT_API_KEY;
    process.env.REFACT_API_KEY = 'sk-inherited';
    try {
      assert.equal(launched({ ...settings, apiKey: '' }).env.REFACT_API_KEY, '');
    } finally {
      if (before === undefined) delete process.env.REFACT_API_KEY;
      else process.env.REFACT_API_KEY = before;
    }
  });

  it('the engine reads REFACT_API_KEY when --api-key is absent', () => {
    assert.equal(apiKeyOf([], { REFACT_API_KEY: SECRET }), SECRET);
    assert.equal(apiKeyOf([], {}), '');
  });

  it('--api-key keeps working and wins over the environment (refact-lsp compatibility)', () => {
    assert.equal(apiKeyOf(['--api-key', 'sk-flag'], { REFACT_API_KEY: SECRET }), 'sk-flag');
    assert.equal(apiKeyOf(['-k', 'sk-short'], {}), 'sk-short');
    assert.equal(apiKeyOf(['--api-key=sk-eq'], {}), 'sk-eq');
  });
});
