import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEngineProcess } from '../helpers/engine-process';

describe('engine lifecycle', () => {
  it('exits 0 within 2 s of SIGTERM, disposing services', async () => {
    const engine = await startEngineProcess();
    const sent = Date.now();
    engine.process.kill('SIGTERM');
    const exit = await engine.exited;
    const elapsed = Date.now() - sent;
    assert.equal(exit.code, 0, engine.log());
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    assert.match(engine.log(), /shutting down: SIGTERM/);
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
  });

  it('exits with code 1 and a reason when the HTTP port is taken', async () => {
    const first = await startEngineProcess();
    const second = await startEngineProcess({ args: ['--http-port', String(first.httpPort)], waitForHttp: false });
    const exit = await second.exited;
    assert.equal(exit.code, 1);
    await first.stop();
  });
});
