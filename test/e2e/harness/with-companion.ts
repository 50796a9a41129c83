/**
 * A real VS Code with the packaged extension pointed at the real companion server serving the
 * generated tiny GGUF behind an API token. The token starts in the old plain `refactts.apiKey`
 * setting, so reaching "ready" also proves it was moved into secret storage and reached the
 * companion. Screenshots go to test/e2e/out/<name>/ (or $E2E_OUTPUT_DIR/<name>).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { spawnServer } from '../../../companion/test/helpers/server-process';
import { tinyGguf } from '../../../companion/test/helpers/tiny-model';
import { ENGINE_MAIN, tempDir } from '../../helpers/engine-process';
import { packageVsix, startCodeServer, type CodeServer } from './code-server';
import { REPO_ROOT, requireE2eTools } from './tools';
import { openWorkbench, statusItem, type Workbench } from './workbench';

export const MODEL = 'refact_self_hosted/tiny-llama';
export const TOKEN = 'sk-e2e-completion';
/** The engine logs one line per completion it asks the model for (not for cache hits). */
export const ENGINE_COMPLETION = /completion: refact_self_hosted\/tiny-llama prompt /g;

export interface CompanionVscode {
  page: Page;
  server: CodeServer;
  companionUrl: string;
  scratch: string;
  engineLog: string;
  /** Changes settings the way a user's edit does: the remote settings file, which VS Code watches. */
  changeSettings(changes: Record<string, unknown>): void;
  screenshot(name: string): Promise<void>;
  /** Starts an engine of our own (for xDebug); stopped with the rest. */
  startOwnEngine(args: string[]): ChildProcess;
  stop(): Promise<void>;
}

export async function startCompanionVscode(name: string, files: Record<string, string>): Promise<CompanionVscode> {
  const tools = requireE2eTools();
  const out = join(process.env.E2E_OUTPUT_DIR ?? join(REPO_ROOT, 'test', 'e2e', 'out'), name);
  mkdirSync(out, { recursive: true });
  const scratch = tempDir(`e2e-${name}`);
  const companion = await spawnServer([join(REPO_ROOT, 'companion', 'dist', 'main.js')], ['--port', '0', '--gpu', 'cpu', '--threads', '1', '--model', await tinyGguf(), '--api-token', TOKEN, '--perm-dir', join(scratch, 'perm')]);
  const own: ChildProcess[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const stop = async () => {
    for (const child of own) child.kill('SIGTERM');
    await workbench?.close();
    await server?.stop();
    companion.child.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const vsix = await packageVsix(tools, scratch);
    const engineLog = join(scratch, 'engine', 'engine.log');
    let settings: Record<string, unknown> = {
      'refactts.addressURL': companion.url,
      'refactts.engineArgs': ['--verbose', '--logs-to-file', engineLog, '--config-dir', join(scratch, 'engine', 'config'), '--cache-dir', join(scratch, 'engine', 'cache')],
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'editor.inlineSuggest.enabled': true,
      // code-server's built-in Chat view would open beside the file on a fresh profile and take
      // the keyboard focus some runs; these tests are about our ghost text alone.
      'chat.disableAIFeatures': true,
    };
    server = await startCodeServer(tools, vsix, { files, settings, userOnlySettings: { 'refactts.apiKey': TOKEN } });
    workbench = await openWorkbench(tools, server.url);
    const userData = server.userData;
    return {
      page: workbench.page,
      server,
      companionUrl: companion.url,
      scratch,
      engineLog,
      changeSettings: (changes) => {
        settings = { ...settings, ...changes };
        writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
      },
      screenshot: async (shot) => {
        await workbench!.page.screenshot({ path: join(out, `${shot}.png`) });
      },
      startOwnEngine: (args) => {
        const child = spawn(process.execPath, [ENGINE_MAIN, ...args], { stdio: 'ignore', env: { ...process.env, REFACT_API_KEY: TOKEN } });
        own.push(child);
        return child;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The status bar item showing "ready" with the tiny model's name. */
export function readyWithModel(page: Page): Locator {
  return page.locator(`#refact-ts\\.refact-ts:has(.codicon-check)[aria-label*="${MODEL}"]`).and(statusItem(page));
}

/** The engine process serving HTTP on `port` (found by its command line), with its arguments. */
export function engineProcess(port: number): { pid: number; args: string[] } {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // The process ended while we looked.
    }
    const at = args.indexOf('--http-port');
    if (args.some((a) => a.endsWith('dist/server/main.js')) && at >= 0 && args[at + 1] === String(port)) return { pid: Number(entry), args };
  }
  throw new Error(`no engine process with --http-port ${port}`);
}

/** The engine's `/v1/ping` body, or null when nothing answers. */
export async function ping(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/ping`);
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}
