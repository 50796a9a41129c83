/**
 * A real VS Code for tests: code-server 4.139.1 on Node 24, on a free loopback port, with its own
 * home, user-data and extensions folders and a temporary workspace. The extension goes in the way
 * users get it: packed into a VSIX by vsce and installed with `--install-extension`.
 * code-server runs in its own process group, because its helpers (file watchers, the agent host,
 * the extension host and the engine it spawned) outlive the main process; `stop` ends the group.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, tempDir } from '../../helpers/engine-process';
import { readLog } from './log-file';
import { REPO_ROOT, type E2eTools } from './tools';

const run = promisify(execFile);

/** Flags that keep code-server offline and free of first-run pages. */
const QUIET_FLAGS = ['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];

export interface CodeServerOptions {
  /** Workspace files by relative path. */
  files: Record<string, string>;
  /** User settings (`User/settings.json`), also written as the remote (Machine) settings. */
  settings: Record<string, unknown>;
  /** Settings for the user's own file only (for example an application-scoped one). */
  userOnlySettings?: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  workspace: string;
  /** code-server's user-data folder (settings, logs). */
  userData: string;
  /** code-server's own output so far. */
  log(): string;
  /** Ends code-server and everything it started, then removes its folders. */
  stop(): Promise<void>;
}

/** Packs the built extension (`dist/`) into a VSIX with the flags `npm run package` uses. */
export async function packageVsix(tools: E2eTools, outDir: string): Promise<string> {
  const vsix = join(outDir, 'refact-ts.vsix');
  // @ts-expect-error: a plain .mjs script without type declarations.
  const { vsceTarget } = (await import('../../../scripts/package-vsix.mjs')) as { vsceTarget: () => string };
  await run(tools.vsce, ['package', '--no-dependencies', '--target', vsceTarget(), '--out', vsix], { cwd: REPO_ROOT });
  return vsix;
}

export async function startCodeServer(tools: E2eTools, vsix: string, options: CodeServerOptions): Promise<CodeServer> {
  const root = tempDir('e2e');
  const dirs = { home: join(root, 'home'), userData: join(root, 'user-data'), extensions: join(root, 'extensions'), workspace: join(root, 'workspace') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(options.files)) writeFileSync(join(dirs.workspace, path), text);
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...options.settings, ...options.userOnlySettings }, null, 2));
  // In code-server the window is remote: settings with `machine` scope (Address URL, engine
  // flags, xDebug) apply only from the remote (Machine) settings, as for a user of code-server.
  mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
  writeFileSync(join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(options.settings, null, 2));
  const port = await freePort();
  const config = join(root, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const env = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.home, '.config'), XDG_DATA_HOME: join(dirs.home, '.local/share') };
  const common = [tools.codeServerEntry, '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  await run(tools.node24, [...common, '--install-extension', vsix], { env });

  const logPath = join(root, 'code-server.log');
  const logStream = createWriteStream(logPath);
  const child = spawn(tools.node24, [...common, ...QUIET_FLAGS, dirs.workspace], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const server: CodeServer = {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`,
    workspace: dirs.workspace,
    userData: dirs.userData,
    log: () => readLog(logPath),
    stop: async () => {
      await stopGroup(child, exited);
      logStream.end();
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitForListening(child, `127.0.0.1:${port}`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  } catch (error) {
    const log = server.log();
    await server.stop();
    throw new Error(`code-server did not start: ${(error as Error).message}\n${log}`);
  }
  return server;
}

/** Resolves on code-server's "HTTP server listening on" line; rejects if it exits first. */
function waitForListening(child: ChildProcess, address: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(`HTTP server listening on http://${address}`)) finish(resolveReady);
    };
    const onExit = (code: number | null) => finish(() => reject(new Error(`exited with code ${code}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`no "listening" line in ${timeoutMs} ms`))), timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM to the whole group, SIGKILL to what is left once the main process is gone (or 10 s). */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined) return;
  signalGroup(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((resolveLate) => (timer = setTimeout(resolveLate, 10_000)))]);
  clearTimeout(timer);
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
