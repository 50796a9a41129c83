/**
 * Spawns the built engine (`dist/server/main.js`) as a real process for integration tests, with
 * its own config and cache directories, and waits for its readiness line instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ENGINE_MAIN = resolve(__dirname, '../../dist/server/main.js');

export interface EngineProcess {
  process: ChildProcess;
  httpPort: number;
  baseUrl: string;
  configDir: string;
  cacheDir: string;
  /** Everything the engine logged so far. */
  log(): string;
  /** Resolves when a log line matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited and its log is complete. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface EngineStartOptions {
  args?: string[];
  configDir?: string;
  /** Reuse a cache directory (the index store lives there) across engine runs. */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Wait for the HTTP line (default) or only for the process to spawn. */
  waitForHttp?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `refact-ts-${prefix}-`));
}

/** Writes files below `root` by relative path, making folders as needed. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, relative)), { recursive: true });
    writeFileSync(join(root, relative), content);
  }
}

/** POSTs `body` as JSON to the engine's HTTP port; resolves with the status and the parsed answer. */
export async function postJson(engine: EngineProcess, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

/**
 * Polls `check` (a readiness signal, never a fixed sleep) until it returns a value, waiting 10 ms
 * between polls and doubling to 200 ms: quick when the state comes soon, and no busy loop against
 * the engine when it does not. A check that throws (the engine not listening yet) counts as not
 * yet. Fails after the deadline with the last error.
 */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  let last: unknown;
  for (;;) {
    const value = await check().catch((error) => ((last = error), null));
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
}

export async function startEngineProcess(options: EngineStartOptions = {}): Promise<EngineProcess> {
  const httpPort = await freePort();
  const root = tempDir('engine');
  const configDir = options.configDir ?? join(root, 'config');
  const cacheDir = options.cacheDir ?? join(root, 'cache');
  const args = ['--http-port', String(httpPort), '--logs-stderr', '--config-dir', configDir, '--cache-dir', cacheDir, ...(options.args ?? [])];
  const child = spawn(process.execPath, [ENGINE_MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let log = '';
  let closed = false;
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
    for (const waiter of waiters) waiter();
  });
  // Resolves once the process exited and its stderr ended, so the log is complete by then.
  const stderrEnded = new Promise<void>((resolveEnd) => child.stderr!.once('end', resolveEnd));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      void stderrEnded.then(() => {
        closed = true;
        for (const waiter of waiters) waiter();
        resolveExit({ code, signal });
      });
    }),
  );
  const waitForLog = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<string>((resolveLine, reject) => {
      const check = () => {
        const match = log.match(pattern);
        if (match) return done(() => resolveLine(match[0]));
        if (closed) done(() => reject(new Error(`engine exited before ${pattern}; log:\n${log}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${pattern}; log:\n${log}`))), timeoutMs);
      const done = (finish: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        finish();
      };
      waiters.add(check);
      check();
    });
  const engine: EngineProcess = {
    process: child,
    httpPort,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    configDir,
    cacheDir,
    log: () => log,
    waitForLog,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitForHttp !== false) await waitForLog(/http: listening on /);
  return engine;
}
