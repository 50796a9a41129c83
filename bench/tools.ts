/**
 * Issue 12 (agent tools): `search_pattern` through the tool registry over a workspace of
 * several thousand real source files (JS/TS/JSON/Markdown copied from node_modules) against
 * ripgrep on the same queries (median of several runs each, rg's process start included, our
 * file list warm as the engine keeps it); the overhead of one tool call (`cat` of a small file
 * through check, confirmation and run); checkpoint create (first and after a few edits),
 * preview and restore on the same workspace. TOOLS_BENCH_FILES sets the corpus size (5,000).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../server/services/logger';
import { startTools } from '../server/services/tools/start';
import { newChatToolState } from '../server/services/tools/tool-registry';
import type { ToolContext } from '../server/services/tools/tool-types';
import { WorkspaceFiles } from '../server/services/workspace-files';
import { collectFiles, fmt, median, type BenchRow } from './lib';

const run$ = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const TOTAL = Number(process.env.TOOLS_BENCH_FILES ?? 5000);
const RUNS = 5;
const QUERIES = ['function\\s+\\w+Async', 'TODO|FIXME', 'require\\([\'"]fs[\'"]\\)', '(?i)deprecated', 'class \\w+ extends \\w+', 'zq_not_anywhere_42'];

function buildCorpus(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-tools-'));
  const source = join(ROOT, 'node_modules');
  let n = 0;
  for (const path of collectFiles(source, (name, size) => /\.(js|ts|mjs|cjs|json|md)$/.test(name) && size > 100 && size < 500_000, TOTAL)) {
    // Blocklisted folder names (node_modules, dist, lib) are flattened into the file name.
    const target = join(workspace, `pkg${n++ % 50}`, relative(source, path).replace(/[/\\]/g, '__'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  }
  return workspace;
}

async function ripgrep(pattern: string, dir: string): Promise<number> {
  const t = performance.now();
  // Exit code 1 means no match: that is an answer too.
  await run$('rg', ['--no-messages', '-n', '-e', pattern, dir], { maxBuffer: 1024 * 1024 * 1024 }).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
  return performance.now() - t;
}

async function rgAvailable(): Promise<boolean> {
  return run$('rg', ['--version']).then(() => true, () => false);
}

export async function run(): Promise<BenchRow[]> {
  const workspace = buildCorpus();
  const base = mkdtempSync(join(tmpdir(), 'refact-ts-bench-tools-cache-'));
  const logger = createLogger({ kind: 'stderr' }, 'error');
  const files = new WorkspaceFiles({ configDir: join(base, 'config'), home: base, logger, maxFiles: TOTAL * 2 });
  const listing = (await files.list([workspace])).files;
  const tools = startTools({
    configDir: join(base, 'config'), cacheDir: join(base, 'cache'), folders: () => [workspace],
    listFiles: async () => listing, onFileChanged: () => undefined, privacy: null, ast: null, retrieval: null,
  });
  const state = newChatToolState();
  const ctx: ToolContext = { chatId: 'bench', signal: new AbortController().signal, roots: [workspace], files: state.files, modelIsLocal: true };
  const rows: BenchRow[] = [{ bench: 'tools', metric: 'corpus files (search_pattern, checkpoints)', value: listing.length, unit: 'files' }];

  const ours: number[] = [];
  const theirs: number[] = [];
  const haveRg = await rgAvailable();
  for (const pattern of QUERIES) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const result = await tools.registry.run('search_pattern', { pattern, scope: 'workspace' }, ctx);
      a.push(performance.now() - t);
      if (!result.ok) throw new Error(`search_pattern ${pattern} failed: ${result.content}`);
      if (haveRg) b.push(await ripgrep(pattern, workspace));
    }
    ours.push(median(a));
    if (haveRg) theirs.push(median(b));
  }
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  rows.push({ bench: 'tools', metric: `search_pattern, ${QUERIES.length} queries (median of ${RUNS} each, summed)`, value: fmt(sum(ours), 1), unit: 'ms' });
  if (haveRg) {
    rows.push({ bench: 'tools', metric: 'ripgrep, same queries and files', value: fmt(sum(theirs), 1), unit: 'ms' });
    rows.push({ bench: 'tools', metric: 'search_pattern / ripgrep', value: fmt(sum(ours) / sum(theirs), 2), unit: 'x', goal: '<= 2', comparison: `worst query ${fmt(Math.max(...ours.map((o, i) => o / theirs[i]!)), 2)}x` });
  } else {
    rows.push({ bench: 'tools', metric: 'ripgrep comparison', value: 'skipped', unit: '', comparison: 'rg not installed (apt-get install -y ripgrep)' });
  }

  const small = join(workspace, 'small.txt');
  writeFileSync(small, 'one line\n');
  const calls: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await tools.registry.run('cat', { paths: small }, ctx);
    if (i >= 50) calls.push(performance.now() - t);
  }
  rows.push({ bench: 'tools', metric: 'tool call overhead (cat of a small file: check, confirmation, run), p50', value: fmt(median(calls), 3), unit: 'ms' });

  let t = performance.now();
  const [first] = await tools.checkpoints.create('first');
  rows.push({ bench: 'tools', metric: 'checkpoint create, first (shadow repo init + all files)', value: fmt(performance.now() - t, 0), unit: 'ms' });
  const edited = listing.slice(0, 10);
  for (const path of edited) writeFileSync(path, `${readFileSync(path, 'utf8')}\n// edited\n`);
  t = performance.now();
  await tools.checkpoints.create('second');
  rows.push({ bench: 'tools', metric: 'checkpoint create after 10 edits', value: fmt(performance.now() - t, 0), unit: 'ms' });
  t = performance.now();
  const preview = await tools.checkpoints.preview(first!);
  rows.push({ bench: 'tools', metric: `checkpoint preview (${preview.files_changed.length} files)`, value: fmt(performance.now() - t, 0), unit: 'ms' });
  t = performance.now();
  await tools.checkpoints.restore(first!);
  rows.push({ bench: 'tools', metric: 'checkpoint restore (10 files back)', value: fmt(performance.now() - t, 0), unit: 'ms' });
  return rows;
}
