import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCli } from '../../src/cli';

function run(argv: string[], env: Record<string, string> = {}) {
  const r = parseCli(argv, env);
  if (r.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(r)}`);
  return r.config;
}

describe('parseCli', () => {
  it('has Refact\'s defaults: 127.0.0.1:8008, nothing served', () => {
    const c = run([]);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8008);
    assert.deepEqual(c.models, []);
    assert.equal(c.adminToken, null);
  });

  it('repeats --model, --import and --upstream', () => {
    const c = run(['--model', 'a.gguf', '--model', 'b=/x/b.gguf', '--upstream', 'http://h1:8000', '--upstream', 'm=http://h2:8000', '--import', 'c=/y/c.gguf', '--import', '/z/d.gguf']);
    assert.deepEqual(c.imports, ['c=/y/c.gguf', '/z/d.gguf']);
    assert.deepEqual(c.models, ['a.gguf', 'b=/x/b.gguf']);
    assert.deepEqual(c.upstreams, ['http://h1:8000', 'm=http://h2:8000']);
  });

  it('takes the perm dir and admin token from the environment, flags winning', () => {
    const env = { REFACT_PERM_DIR: '/perm', REFACT_ADMIN_TOKEN: 'env-secret', REFACT_API_TOKENS: 't1, t2' };
    assert.equal(run([], env).permDir, '/perm');
    assert.equal(run([], env).adminToken, 'env-secret');
    assert.deepEqual(run([], env).apiTokens, ['t1', 't2']);
    assert.equal(run(['--perm-dir', '/other', '--admin-token', 'flag'], env).permDir, '/other');
    assert.equal(run(['--admin-token', 'flag'], env).adminToken, 'flag');
  });

  it('asks for help', () => {
    assert.equal(parseCli(['--help'], {}).kind, 'help');
  });

  for (const [argv, pattern] of [
    [['--bogus'], /Unknown option/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /at most 65535/],
    [['--parallel', '0'], /--parallel must be an integer >= 1/],
    [['--gpu', 'tpu'], /--gpu must be/],
    [['--upstream', 'ftp://x'], /--upstream wants/],
    [['extra'], /positional/i],
  ] as const) {
    it(`refuses ${argv.join(' ')}`, () => {
      const r = parseCli([...argv], {});
      assert.equal(r.kind, 'error');
      assert.match((r as { message: string }).message, pattern);
    });
  }
});
