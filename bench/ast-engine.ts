/**
 * Issue 3, engine half: the real engine (`--ast`) indexing a corpus of code nobody here wrote
 * (JS/TS from node_modules, Python from the Python install, C headers from /usr/include), copied
 * into a scratch workspace. Reports cold index files/s and symbols/s, peak RSS, warm re-open,
 * save-to-query latency and ping p99 while indexing; compares the cold index with universal-ctags
 * on the same files. AST_BENCH_FILES sets the corpus size (default 10,000).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { Agent } from 'node:http';
import { collectFiles, fmt, freePort, get, percentile, stop, timeToFirstAnswer, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'server', 'main.js');
const TOTAL = Number(process.env.AST_BENCH_FILES ?? 10_000);

/** Where corpus files come from, and what share of the corpus each may fill. */
const SOURCES: { dir: string; pattern: RegExp; share: number }[] = [
  { dir: join(ROOT, 'node_modules'), pattern: /\.(js|ts|tsx|mjs|cjs)$/, share: 0.55 },
  { dir: join(homedir(), '.pyenv'), pattern: /\.py$/, share: 0.2 },
  { dir: '/usr/lib/python3', pattern: /\.py$/, share: 0.05 },
  { dir: '/usr/include', pattern: /\.(h|hpp)$/, share: 0.2 },
];

/** Copies the corpus into a workspace whose own path the indexing blocklist does not cover. */
function buildCorpus(): { workspace: string; files: number; byLanguage: Record<string, number> } {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-corpus-'));
  const byLanguage: Record<string, number> = {};
  let files = 0;
  for (const source of SOURCES) {
    const wanted = Math.min(Math.floor(TOTAL * source.share), TOTAL - files);
    for (const path of collectFiles(source.dir, (name, size) => source.pattern.test(name) && size > 0 && size < 1_000_000, wanted)) {
      // Folder names such as node_modules, dist or lib are blocklisted; flatten them away.
      const target = join(workspace, `src${files % 50}`, relative(source.dir, path).replace(/[/\\]/g, '__'));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      files++;
      byLanguage[extname(path)] = (byLanguage[extname(path)] ?? 0) + 1;
    }
  }
  return { workspace, files, byLanguage };
}

interface AstStatus {
  state: string;
  files_total: number;
  files_unparsed: number;
  ast_index_files_total: number;
  ast_index_symbols_total: number;
}

async function astStatus(agent: Agent, port: number): Promise<AstStatus> {
  return JSON.parse((await get(agent, port, '/v1/ast-status')).body) as AstStatus;
}

async function post(port: number, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmHWM:\s+(\d+)/m)?.[1] ?? NaN) / 1024;
}

/** Starts the engine, then samples ping latency until the index is done. */
async function indexOnce(workspace: string, cacheDir: string): Promise<{ seconds: number; status: AstStatus; pings: number[]; peak: number; child: import('node:child_process').ChildProcess; port: number }> {
  const port = await freePort();
  const args = [ENGINE, '--http-port', String(port), '--ast', '--ast-max-files', String(TOTAL * 2), '--workspace-folder', workspace, '--cache-dir', cacheDir, '--config-dir', join(cacheDir, 'config')];
  const started = performance.now();
  const { child } = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const pings: number[] = [];
  let status: AstStatus;
  for (;;) {
    const t = performance.now();
    await get(agent, port, '/v1/ping');
    pings.push(performance.now() - t);
    status = await astStatus(agent, port);
    if (status.state === 'done') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, status, pings, peak: peakRssMiB(child.pid!), child, port };
}

function ctagsSeconds(workspace: string): number | null {
  if (spawnSync('ctags', ['--version']).status !== 0) return null;
  const tags = join(mkdtempSync(join(tmpdir(), 'refact-ts-bench-ctags-')), 'tags');
  const started = performance.now();
  const result = spawnSync('ctags', ['-R', '-f', tags, '--fields=+n', workspace], { stdio: 'ignore' });
  const seconds = (performance.now() - started) / 1000;
  return result.status === 0 ? seconds : null;
}

export async function run(): Promise<BenchRow[]> {
  const corpus = buildCorpus();
  const cacheDir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-cache-'));
  const mix = Object.entries(corpus.byLanguage).map(([ext, n]) => `${n} ${ext}`).join(', ');

  const cold = await indexOnce(corpus.workspace, cacheDir);
  // Save-to-query: a new function saved on disk, until /v1/ast-file-symbols lists it.
  const target = join(corpus.workspace, 'src0', 'bench_saved.py');
  const saves: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    writeFileSync(target, `def saved_function_${i}():\n    return ${i}\n`);
    for (;;) {
      const r = await post(cold.port, '/v1/ast-file-symbols', { file_url: target });
      if (r.status === 200 && r.text.includes(`saved_function_${i}`)) break;
      await new Promise((resolveTick) => setTimeout(resolveTick, 5));
    }
    saves.push(performance.now() - t);
  }
  await stop(cold.child);

  const warm = await indexOnce(corpus.workspace, cacheDir);
  await stop(warm.child);
  const ctags = ctagsSeconds(corpus.workspace);

  const files = cold.status.ast_index_files_total;
  const symbols = cold.status.ast_index_symbols_total;
  return [
    { bench: 'ast-engine', metric: `corpus (${mix})`, value: corpus.files, unit: 'files' },
    { bench: 'ast-engine', metric: 'cold index: files indexed / listed', value: `${files} / ${cold.status.files_total}`, unit: 'files' },
    { bench: 'ast-engine', metric: 'cold index wall time (engine start to done)', value: fmt(cold.seconds, 1), unit: 's', goal: '< 60 for 10k', comparison: ctags ? `${fmt(cold.seconds / ctags)}x universal-ctags (${fmt(ctags, 2)} s)` : 'universal-ctags not installed' },
    { bench: 'ast-engine', metric: 'cold index files/s', value: fmt(cold.status.files_total / cold.seconds, 0), unit: 'files/s' },
    { bench: 'ast-engine', metric: 'cold index symbols/s', value: fmt(symbols / cold.seconds, 0), unit: 'symbols/s' },
    { bench: 'ast-engine', metric: 'peak RSS of the engine (VmHWM)', value: fmt(cold.peak, 0), unit: 'MiB', goal: '< 1024' },
    { bench: 'ast-engine', metric: 'ping p99 while indexing', value: fmt(percentile(cold.pings, 99), 2), unit: 'ms', goal: '< 20', comparison: `p50 ${fmt(percentile(cold.pings, 50), 2)} ms over ${cold.pings.length} pings` },
    { bench: 'ast-engine', metric: 'warm re-open (engine start to done)', value: fmt(warm.seconds, 2), unit: 's', goal: '< 3', comparison: `${fmt(cold.seconds / warm.seconds, 1)}x faster than cold` },
    { bench: 'ast-engine', metric: 'save to queryable, median of 5', value: fmt(percentile(saves, 50), 0), unit: 'ms', goal: '< 300', comparison: `max ${fmt(Math.max(...saves), 0)} ms` },
  ];
}
