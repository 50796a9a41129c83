import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEngineProcess } from '../helpers/engine-process';

/**
 * The engine's services in reverse order of their start, as an orderly shutdown disposes them:
 * the HTTP server first (no new requests), the first services started last; the ones between
 * grow as the engine does.
 */
const DISPOSAL = /disposed in order: http, (?:[\w ]+, )*caps, documents, workspace\n/;

describe('engine lifecycle', () => {
  it('exits 0 on SIGTERM, disposing services in order', async () => {
    const engine = await startEngineProcess();
    engine.process.kill('SIGTERM');
    const exit = await engine.exited;
    assert.equal(exit.code, 0, engine.log());
    assert.match(engine.log(), /shutting down: SIGTERM/);
    assert.match(engine.log(), DISPOSAL);
  });

  it('exits 0 after GET /v1/graceful-shutdown, answering first', async () => {
    const engine = await startEngineProcess();
    const response = await fetch(`${engine.baseUrl}/v1/graceful-shutdown`);
    assert.equal(response.status, 200);
    const exit = await engine.exited;
    assert.equal(exit.code, 0, engine.log());
  });

  it('exits with code 2 and a reason on a bad flag', async () => {
    const engine = await startEngineProcess({ args: ['--http-port', 'x'], waitForHttp: false });
    const exit = await engine.exited;
    assert.equal(exit.code, 2);
    assert.match(engine.log(), /^refact-ts-lsp: option '--http-port' needs a whole number, got 'x'$/m);
  });

  it('exits with code 1 and a reason when the HTTP port is taken', async () => {
    const first = await startEngineProcess();
    const second = await startEngineProcess({ args: ['--http-port', String(first.httpPort)], waitForHttp: false });
    const exit = await second.exited;
    assert.equal(exit.code, 1);
    assert.match(second.log(), /refact-ts-lsp: cannot start: .*EADDRINUSE/);
    await first.stop();
  });

  // Test-only fault injection (NODE_ENV=test plus REFACT_TS_TEST_FAULT, see server/services/fatal-errors.ts).
  for (const [fault, kind] of [['uncaught-after-start', 'uncaught exception'], ['rejection-after-start', 'unhandled rejection']] as const) {
    it(`on an ${kind}, logs it with its stack, disposes in order and exits non-zero`, async () => {
      const engine = await startEngineProcess({ env: { NODE_ENV: 'test', REFACT_TS_TEST_FAULT: fault } });
      const exit = await engine.exited;
      const log = engine.log();
      assert.equal(exit.code, 1, log);
      assert.match(log, new RegExp(`ERROR fatal: ${kind}: Error: injected fault: ${kind} after start\\n\\s+at `));
      assert.match(log, new RegExp(`shutting down: ${kind}`));
      assert.match(log, DISPOSAL);
      assert.ok(log.indexOf('fatal:') < log.search(DISPOSAL), 'the error is logged before the disposal');
    });
  }

  it('ignores the fault variable outside NODE_ENV=test', async () => {
    const engine = await startEngineProcess({ env: { NODE_ENV: 'production', REFACT_TS_TEST_FAULT: 'uncaught-after-start' } });
    assert.equal((await fetch(`${engine.baseUrl}/v1/ping`)).status, 200);
    // Had the fault fired (right after start, before this ping), the exit code would be 1.
    engine.process.kill('SIGTERM');
    assert.equal((await engine.exited).code, 0, engine.log());
    assert.doesNotMatch(engine.log(), /fatal:/);
  });
});
