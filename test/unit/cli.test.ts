import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../server/core/cli';

function run(argv: string[]) {
  const result = parseCommandLine(argv);
  assert.equal(result.kind, 'run', result.kind === 'error' ? result.message : 'expected run');
  return (result as Extract<typeof result, { kind: 'run' }>).options;
}

function error(argv: string[]): string {
  const result = parseCommandLine(argv);
  assert.equal(result.kind, 'error');
  return (result as Extract<typeof result, { kind: 'error' }>).message;
}

describe('command line', () => {
  it('has refact-lsp defaults', () => {
    const options = run([]);
    assert.equal(options.pingMessage, 'pong');
    assert.equal(options.httpPort, 0);
    assert.equal(options.astMaxFiles, 50000);
    assert.equal(options.vecdbMaxFiles, 15000);
    assert.equal(options.ast, false);
  });

  it('parses the line the Refact VS Code plugin launches with', () => {
    const options = run([
      '--address-url', 'http://127.0.0.1:8008', '--api-key', 'sk-1', '--ping-message', 'ping-abc',
      '--http-port', '9080', '--lsp-stdin-stdout', '1', '--enduser-client-version', 'refact-7.1.0/vscode-1.99',
      '--basic-telemetry', '--ast', '--ast-max-files', '35000', '--vecdb', '--vecdb-max-files', '100',
    ]);
    assert.equal(options.addressUrl, 'http://127.0.0.1:8008');
    assert.equal(options.apiKey, 'sk-1');
    assert.equal(options.pingMessage, 'ping-abc');
    assert.equal(options.httpPort, 9080);
    assert.equal(options.lspStdinStdout, true);
    assert.equal(options.astMaxFiles, 35000);
    assert.equal(options.vecdbMaxFiles, 100);
    assert.equal(options.ast && options.vecdb, true);
  });

  it('accepts --flag=value, short aliases and repeated workspace folders', () => {
    const options = run(['-p', '8001', '--lsp-port=8002', '-w', '/a', '--workspace-folder=/b', '-v', '-u', 'http://x']);
    assert.equal(options.httpPort, 8001);
    assert.equal(options.lspPort, 8002);
    assert.deepEqual(options.workspaceFolders, ['/a', '/b']);
    assert.equal(options.verbose, true);
    assert.equal(options.addressUrl, 'http://x');
  });

  it('treats --lsp-stdin-stdout 0 as off', () => {
    assert.equal(run(['--lsp-stdin-stdout', '0']).lspStdinStdout, false);
  });

  it('answers --help with usage', () => {
    const result = parseCommandLine(['--http-port', '1', '--help']);
    assert.equal(result.kind, 'help');
    assert.match((result as { text: string }).text, /--address-url/);
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /unknown option '--bogus'/],
    [['-x'], /unknown option '-x'/],
    [['positional'], /unknown option 'positional'/],
    [['--http-port'], /needs a value/],
    [['--http-port', 'abc'], /whole number, got 'abc'/],
    [['--http-port', '70000'], /0 to 65535/],
    [['--ast-max-files', '-1'], /whole number/],
    [['--ast=1'], /takes no value/],
    [['--lsp-port', '8002', '--lsp-stdin-stdout', '1'], /cannot be used together/],
  ];
  for (const [argv, pattern] of bad) {
    it(`refuses ${argv.join(' ')}`, () => assert.match(error(argv), pattern));
  }
});
