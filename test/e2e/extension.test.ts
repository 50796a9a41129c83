/**
 * The packaged extension in a real VS Code (code-server on Node 24, driven through chromium):
 * it activates and starts the engine, forwards opened files to it, and restarts it on command.
 * The tests share one code-server and run in order. Needs `bash scripts/setup-e2e.sh` and a build.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { BuildInfo } from '../../src/protocol/http';
import { HttpRoutes } from '../../src/protocol/http';
import { tempDir } from '../helpers/engine-process';
import { packageVsix, startCodeServer, type CodeServer } from './harness/code-server';
import { waitForLogMatch } from './harness/log-file';
import { requireE2eTools } from './harness/tools';
import { openFromExplorer, openWorkbench, readStatusTooltipPort, runCommand, waitForEngineRunning, type Workbench } from './harness/workbench';

/** The extension starts its engine with `--ping-message ping-<12 hex digits>`, new per start. */
const EXTENSION_PING = /^ping-[0-9a-f]{12}\n$/;

const WORKSPACE_FILES = {
  'hello.ts': 'export function hello(name: string): string {\n  return `hello ${name}`;\n}\n',
  'util.py': 'def add(a, b):\n    return a + b\n',
};

async function httpText(port: number, route: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  assert.equal(response.status, 200, `${route} on ${port}`);
  return response.text();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('extension in code-server', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let scratch = '';
  let engineLog = '';
  let enginePort = 0;
  let setupTimings = '';

  before(async () => {
    const tools = requireE2eTools();
    const started = Date.now();
    scratch = tempDir('e2e-scratch');
    const vsix = await packageVsix(tools, scratch);
    const packaged = Date.now();
    const engineDirs = join(scratch, 'engine');
    engineLog = join(engineDirs, 'engine.log');
    server = await startCodeServer(tools, vsix, {
      files: WORKSPACE_FILES,
      settings: {
        'refactts.engineArgs': ['--verbose', '--logs-to-file', engineLog, '--config-dir', join(engineDirs, 'config'), '--cache-dir', join(engineDirs, 'cache')],
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
      },
    });
    const serving = Date.now();
    workbench = await openWorkbench(tools, server.url);
    setupTimings = `vsix packed in ${packaged - started} ms, code-server up in ${serving - packaged} ms, workbench shown ${Date.now() - workbench.loadStarted} ms after page load`;
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('activates, shows the engine running, and the engine answers on the tooltip port', async (t) => {
    const page = workbench!.page;
    enginePort = await waitForEngineRunning(page);
    t.diagnostic(`${setupTimings}; engine running ${Date.now() - workbench!.loadStarted} ms after page load`);
    assert.equal(await readStatusTooltipPort(page), enginePort);
    assert.match(await httpText(enginePort, HttpRoutes.ping), EXTENSION_PING);
    const build = JSON.parse(await httpText(enginePort, HttpRoutes.buildInfo)) as BuildInfo;
    assert.match(build.rust_version, /^node v24\./, 'the engine runs on the extension host\'s Node (code-server\'s Node 24)');
  });

  it('sends a file opened from the explorer to the engine', async () => {
    const uri = pathToFileURL(join(server!.workspace, 'hello.ts')).href;
    await openFromExplorer(workbench!.page, 'hello.ts');
    await waitForLogMatch(engineLog, new RegExp(`lsp: opened ${escapeRegExp(uri)} `), 30_000);
  });

  it('restarts the engine from the command palette on a new port', async () => {
    const page = workbench!.page;
    const oldPort = enginePort || (await waitForEngineRunning(page));
    const oldPing = await httpText(oldPort, HttpRoutes.ping);
    await runCommand(page, 'Refact TS: Restart Engine');
    const newPort = await waitForEngineRunning(page, { notPort: oldPort });
    const newPing = await httpText(newPort, HttpRoutes.ping);
    assert.match(newPing, EXTENSION_PING);
    assert.notEqual(newPing, oldPing, 'a new engine process answers');
    // The client sends shutdown and exit, then closes the pipe; whichever the engine reads first
    // starts the same orderly shutdown.
    await waitForLogMatch(engineLog, /shutting down: lsp (exit|stdin closed)/, 30_000);
  });
});
