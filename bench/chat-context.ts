/**
 * Issue 11, context half: how long the real engine (`--ast --vecdb`, lexical search, no
 * embedding model) takes to resolve `@file`, `@definition` and `@search` in
 * `/v1/at-command-preview`, over a workspace of several thousand real source files (JS/TS from
 * node_modules), measured from the client: p50 and p99 of sequential requests after a warm-up.
 * CHAT_BENCH_FILES sets the corpus size (default 4,000).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { collectFiles, fmt, freePort, get, percentile, stop, timeToFirstAnswer, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'server', 'main.js');
const TOTAL = Number(process.env.CHAT_BENCH_FILES ?? 4000);
const SAMPLES = 200;
const WARMUP = 20;

function buildCorpus(): { workspace: string; files: string[] } {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-chat-'));
  const files: string[] = [];
  const source = join(ROOT, 'node_modules');
  for (const path of collectFiles(source, (name, size) => /\.(js|ts|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts') && size > 200 && size < 200_000, TOTAL)) {
    // Blocklisted folder names (node_modules, dist, lib) are flattened into the file name.
    const target = join(workspace, `src${files.length % 40}`, relative(source, path).replace(/[/\\]/g, '__'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
    files.push(target);
  }
  return { workspace, files };
}

/** A fixed-seed generator, so every run asks the same questions. */
function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

async function timed(port: number, queries: string[]): Promise<{ times: number[]; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (const [i, query] of queries.entries()) {
    const t = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/v1/at-command-preview`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: query }], model: '' }),
    });
    const answer = (await response.json()) as { messages: unknown[] };
    if (i >= WARMUP) times.push(performance.now() - t);
    if (response.status !== 200 || answer.messages.length === 0) failures++;
  }
  return { times, failures };
}

export async function run(): Promise<BenchRow[]> {
  const corpus = buildCorpus();
  const cacheDir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-chat-cache-'));
  const port = await freePort();
  const args = [ENGINE, '--http-port', String(port), '--ast', '--vecdb', '--ast-max-files', String(TOTAL * 2), '--vecdb-max-files', String(TOTAL * 2),
    '--workspace-folder', corpus.workspace, '--cache-dir', cacheDir, '--config-dir', join(cacheDir, 'config')];
  const { child } = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let indexed = 0;
  for (;;) {
    const rag = JSON.parse((await get(agent, port, '/v1/rag-status')).body) as { ast: { state: string; ast_index_files_total: number }; vecdb: { state: string } };
    indexed = rag.ast.ast_index_files_total;
    if (rag.ast.state === 'done' && rag.vecdb.state === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  agent.destroy();

  const random = rng(11);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const count = SAMPLES + WARMUP;
  // @file by the path below the workspace, and by the bare file name with a letter missing
  // (path repair: a fuzzy match over every file's name).
  const fileQueries = Array.from({ length: count }, () => `@file ${relative(corpus.workspace, pick(corpus.files))}:1-40`);
  const typoQueries = Array.from({ length: count }, () => {
    const file = pick(corpus.files);
    const name = file.slice(file.lastIndexOf('/') + 1);
    return `look at @file ${name.slice(0, 3)}${name.slice(4)}:1-40`;
  });
  // @definition and @search: names and words that occur in the corpus.
  const names: string[] = [];
  for (const file of corpus.files.slice(0, 400)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/function\s+([A-Za-z_$][\w$]{3,})\s*\(/g)) names.push(m[1]!);
  }
  const definitionQueries = Array.from({ length: count }, () => `@definition ${pick(names)}`);
  const searchQueries = Array.from({ length: count }, () => `@search ${pick(names)} ${pick(names)} handler`);

  const rows: BenchRow[] = [{ bench: 'chat-context', metric: 'workspace (real JS/TS from node_modules), files indexed', value: indexed, unit: 'files' }];
  for (const [label, queries] of [['@file path', fileQueries], ['@file misspelt name', typoQueries], ['@definition', definitionQueries], ['@search', searchQueries]] as const) {
    const { times, failures } = await timed(port, queries);
    rows.push(
      { bench: 'chat-context', metric: `${label} resolution p50 (at-command-preview)`, value: fmt(percentile(times, 50), 2), unit: 'ms', comparison: `${times.length} requests; ${failures} gave no context (no match, or several as close)` },
      { bench: 'chat-context', metric: `${label} resolution p99`, value: fmt(percentile(times, 99), 2), unit: 'ms' },
    );
  }
  await stop(child);
  return rows;
}
