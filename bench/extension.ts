/**
 * The extension host side: the production bundle's size, the VSIX size, and activation time
 * (loading `dist/extension.js` plus `activate()` returning; the engine starts in the
 * background and is not part of it), measured in plain Node with a minimal `vscode` module.
 * Keystroke-to-ghost-text latency needs a real VS Code: the completion end-to-end test prints
 * it (test/e2e/completion.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fmt, median, percentile, type BenchRow } from './lib';

const ROOT = join(__dirname, '..');

async function productionBundle(outDir: string): Promise<string> {
  const outfile = join(outDir, 'extension.js');
  await build({ entryPoints: [join(ROOT, 'src/extension.ts')], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], outfile, logLevel: 'silent' });
  return outfile;
}

/** Just enough of the `vscode` API for `activate()`; every call is a cheap no-op. */
function vscodeStub(extensionRoot: string) {
  const disposable = { dispose: () => undefined };
  const event = () => disposable;
  const channel = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : () => undefined) });
  class EventEmitter {
    event = event;
    fire() {}
    dispose() {}
  }
  return {
    EventEmitter,
    ThemeColor: class {},
    Range: class {},
    InlineCompletionItem: class {},
    InlineCompletionTriggerKind: { Invoke: 0, Automatic: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    Uri: { joinPath: (_base: unknown, ...parts: string[]) => ({ fsPath: join(extensionRoot, ...parts) }) },
    window: {
      createOutputChannel: () => channel,
      createStatusBarItem: () => ({ show() {}, dispose() {} }),
      registerWebviewViewProvider: () => disposable,
      showErrorMessage: async () => undefined,
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: event,
    },
    workspace: {
      workspaceFolders: [],
      textDocuments: [],
      getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback, inspect: () => undefined, update: async () => undefined }),
      onDidChangeConfiguration: event,
      onDidChangeTextDocument: event,
      onDidOpenTextDocument: event,
      onDidCloseTextDocument: event,
      onDidSaveTextDocument: event,
      onDidChangeWorkspaceFolders: event,
    },
    languages: { registerInlineCompletionItemProvider: () => disposable },
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  };
}

async function activationTimes(bundle: string, extensionRoot: string, runs: number): Promise<{ load: number[]; activate: number[] }> {
  const load: number[] = [];
  const activate: number[] = [];
  const stub = vscodeStub(extensionRoot);
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request, ...rest) => (request === 'vscode' ? stub : original(request, ...rest));
  try {
    for (let i = 0; i < runs; i++) {
      delete require.cache[bundle];
      const t0 = performance.now();
      const extension = require(bundle) as { activate: (ctx: unknown) => Promise<void>; deactivate: () => Promise<void> | undefined };
      const t1 = performance.now();
      const context = { extensionUri: { fsPath: extensionRoot }, extension: { packageJSON: { version: 'bench' } }, secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) }, subscriptions: [] };
      await extension.activate(context);
      const t2 = performance.now();
      load.push(t1 - t0);
      activate.push(t2 - t1);
      await extension.deactivate();
    }
  } finally {
    loader._load = original;
  }
  return { load, activate };
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-ext-'));
  try {
    const bundle = await productionBundle(dir);
    const bytes = statSync(bundle).size;
    // The engine an activation starts in the background is not wanted here: the stub's extension
    // folder is the temporary one, without an engine, so that start fails at once.
    const times = await activationTimes(bundle, dir, 20);
    const rows: BenchRow[] = [
      { bench: 'extension', metric: 'dist/extension.js (production)', value: fmt(bytes / 1024, 1), unit: 'KiB', goal: '< 293 (300 KB)' },
      { bench: 'extension', metric: 'bundle load (require), median of 20', value: fmt(median(times.load)), unit: 'ms' },
      { bench: 'extension', metric: 'activate() returns, median of 20', value: fmt(median(times.activate)), unit: 'ms', goal: '< 100 (with load)' },
      { bench: 'extension', metric: 'load + activate, p95 of 20', value: fmt(percentile(times.load.map((l, i) => l + times.activate[i]!), 95)), unit: 'ms', goal: '< 100' },
    ];
    const vsix = join(dir, 'refact-ts.vsix');
    try {
      // @ts-expect-error: a plain .mjs script without type declarations.
      const { vsceTarget } = (await import('../scripts/package-vsix.mjs')) as { vsceTarget: () => string };
      execFileSync(join(ROOT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--target', vsceTarget(), '--out', vsix], { cwd: ROOT, stdio: 'ignore' });
      rows.push({ bench: 'extension', metric: `VSIX (${vsceTarget()}, current dist/)`, value: fmt(statSync(vsix).size / 1024 / 1024, 1), unit: 'MiB' });
    } catch (error) {
      rows.push({ bench: 'extension', metric: 'VSIX', value: `failed: ${(error as Error).message.split('\n')[0]}`, unit: '' });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
