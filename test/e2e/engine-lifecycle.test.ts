/**
 * The engine's life under the extension in a real VS Code: a settings change restarts it with
 * the new command line, a SIGKILL is survived within the restart budget, and xDebug connects to
 * an engine started by the test (after saying clearly that nothing listens yet).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/engine-process';
import { engineProcess, ping, readyWithModel, startCompanionVscode, TOKEN, type CompanionVscode } from './harness/with-companion';
import { runCommand, statusItem, waitForEngineRunning } from './harness/workbench';

describe('engine lifecycle in code-server', { timeout: 290_000 }, () => {
  let vs: CompanionVscode;

  before(async () => {
    vs = await startCompanionVscode('engine-lifecycle', { 'main.ts': 'export const answer = 42;\n' });
    await readyWithModel(vs.page).waitFor({ timeout: 120_000 });
  });
  after(async () => {
    await vs?.stop();
  });

  it('a settings change that shapes the command line restarts the engine with it', async () => {
    const oldPort = await waitForEngineRunning(vs.page);
    vs.changeSettings({ 'refactts.astFileLimit': 1234 });
    const newPort = await waitForEngineRunning(vs.page, { notPort: oldPort });
    const { args } = engineProcess(newPort);
    assert.equal(args[args.indexOf('--ast-max-files') + 1], '1234');
    assert.ok(!args.some((a) => a.includes(TOKEN)), 'the key is not on the command line');
    assert.equal(await ping(oldPort), null, 'the old engine is gone');
  });

  it('an engine killed with SIGKILL is started again within the budget', async () => {
    const oldPort = await waitForEngineRunning(vs.page);
    process.kill(engineProcess(oldPort).pid, 'SIGKILL');
    const newPort = await waitForEngineRunning(vs.page, { notPort: oldPort });
    assert.match((await ping(newPort)) ?? '', /^ping-[0-9a-f]{12}\n$/);
    await readyWithModel(vs.page).waitFor({ timeout: 60_000 });
    await vs.screenshot('1-back-after-sigkill');
  });

  it('xDebug starts nothing: it says when nothing listens on 8002, then connects to an engine on 8001/8002', async () => {
    const page = vs.page;
    assert.equal(await ping(8001), null, 'port 8001 must be free for this test');
    const oldPort = await waitForEngineRunning(page);
    vs.changeSettings({ 'refactts.xDebug': true });
    await statusItem(page).and(page.locator('[aria-label*="nothing listens on 127.0.0.1:8002"]')).waitFor({ timeout: 60_000 });
    await vs.screenshot('2-xdebug-unreachable');
    assert.equal(await ping(oldPort), null, 'the bundled engine was stopped');
    vs.startOwnEngine(['--http-port', '8001', '--lsp-port', '8002', '--address-url', vs.companionUrl, '--logs-stderr', '--ping-message', 'own-engine', '--config-dir', `${vs.scratch}/own/config`, '--cache-dir', `${vs.scratch}/own/cache`]);
    await eventually('the test engine on 8001', async () => ((await ping(8001))?.trim() === 'own-engine' ? true : null), 60_000);
    await runCommand(page, 'Refact TS: Restart Engine');
    assert.equal(await waitForEngineRunning(page, { notPort: oldPort }), 8001);
    await readyWithModel(page).waitFor({ timeout: 60_000 });
    await vs.screenshot('3-xdebug-connected');
  });
});
