/**
 * Issue 4: retrieval on a large corpus of code nobody here wrote (JS/TS from node_modules and
 * Python from the local Python install, flattened into a scratch workspace). The real `RetrievalService` indexes it through the
 * worker pool (no embedding model: lexical + symbols), then:
 * - quality: call sites of names defined in exactly one other corpus file; the query is the 20
 *   lines before the call plus the call line with the name removed; recall@5/@10 of the defining
 *   file for lexical, symbols, and hybrid (vector only with a real model: RETRIEVAL_BENCH_MODEL
 *   = path of a sentence-embedding .onnx with tokenizer.json beside it; skipped otherwise);
 * - natural-language quality: a function's docstring or leading comment, paraphrased without its
 *   name (see `nl-queries.ts`), against the file that defines it; recall@5/@10 and MRR@10;
 * - chunks indexed per second, search p50/p99 over the whole index, store size per 1,000 chunks;
 * - embeddings per second with the fixture model at 1 and N pool threads.
 * RETRIEVAL_BENCH_FILES caps the JS/TS files (default 9,000), RETRIEVAL_BENCH_PADDING the Python
 * files (default 1,500); together over 100k chunks.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { ParseOutcome } from '../server/core/ast/types';
import { parseFiles } from '../server/services/ast-tasks';
import { DocumentsService } from '../server/services/documents';
import { LocalEmbedder } from '../server/services/embedder';
import { FileWatcher } from '../server/services/file-watcher';
import { createLogger } from '../server/services/logger';
import { RetrievalService, type SearchOptions } from '../server/services/retrieval-service';
import { createUpstreamClient } from '../server/services/upstream/upstream-client';
import { WorkerPool, defaultThreads } from '../server/services/worker-pool';
import { WorkspaceService } from '../server/services/workspace';
import { WorkspaceFiles } from '../server/services/workspace-files';
import { collectFiles, fmt, percentile, type BenchRow } from './lib';
import { docComment, paraphrase } from './nl-queries';

const ROOT = resolve(__dirname, '..');
const WORKERS = join(ROOT, 'dist', 'server', 'workers');
const TOTAL = Number(process.env.RETRIEVAL_BENCH_FILES ?? 9_000);
const QUERIES = 300;

/** JS/TS sources, not minified bundles or declarations, neither trivial nor generated-huge. */
function isCorpusFile(name: string, size: number): boolean {
  return /\.(js|ts|mjs|cjs)$/.test(name) && !/\.(min|d)\.[jt]s$/.test(name) && size > 200 && size < 300_000;
}

/** Issue 9's case: one file matches every rare word of a prose query, many declare `read` or `year`. */
const FLUX = {
  file: 'delorean/instruments.py',
  text: 'class FluxCapacitorGauge:\n    def __init__(self, readings):\n        self.readings = readings\n\n    def read_gigawatts(self, year):\n        return sum(self.readings.get(year, []))\n',
  query: 'flux capacitor gauge read gigawatts for a year',
};

/** Where the flux file ranks among files for its query (1 = first), or 0 when not in the top 100. */
async function fluxRank(service: RetrievalService, workspace: string, options: SearchOptions): Promise<number> {
  const result = await service.search(FLUX.query, 100, { perFile: 1, ...options });
  return result.results.findIndex((r) => r.file_path === join(workspace, FLUX.file)) + 1;
}

/** Python from the local Python install pads the corpus past 100k chunks (the size). */
const PADDING = { dir: join(homedir(), '.pyenv'), files: Number(process.env.RETRIEVAL_BENCH_PADDING ?? 1_500) };

function buildCorpus(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-retrieval-'));
  const copy = (source: string, paths: string[], prefix: string) =>
    paths.forEach((path, i) => {
      // Blocklisted folder names (node_modules, dist, lib) are flattened away.
      const target = join(workspace, `${prefix}${i % 64}`, relative(source, path).replace(/[/\\]/g, '__'));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    });
  copy(join(ROOT, 'node_modules'), collectFiles(join(ROOT, 'node_modules'), isCorpusFile, TOTAL), 'pkg');
  copy(PADDING.dir, collectFiles(PADDING.dir, (name, size) => name.endsWith('.py') && size > 200 && size < 300_000, PADDING.files), 'py');
  mkdirSync(dirname(join(workspace, FLUX.file)), { recursive: true });
  writeFileSync(join(workspace, FLUX.file), FLUX.text);
  return workspace;
}

interface Probe {
  query: string;
  file: string;
  /** The calling file, left out of the answer as a completion would. */
  from: string;
}

/** Every corpus file parsed once: both probe sets are made from the outcomes. */
async function parseCorpus(pool: WorkerPool, files: string[]): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = [];
  for (let i = 0; i < files.length; i += 256) {
    const inputs = files.slice(i, i + 256).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    outcomes.push(...(await parseFiles(pool, inputs, { batch: 8 })));
  }
  return outcomes;
}

/**
 * Call sites whose callee is defined in exactly one other file of the corpus, in the caller's
 * language: a JS call to `field(...)` cannot mean a Python method that happens to be the only
 * `field` (tree-sitter grammars call their DSL's globals, defined nowhere in the corpus).
 */
function callSiteProbes(outcomes: ParseOutcome[]): Probe[] {
  const family = new Map<string, string>();
  const definedIn = new Map<string, Set<string>>();
  for (const o of outcomes) {
    if (!o.ok) continue;
    family.set(o.file.path, o.file.language === 'python' ? 'python' : 'js');
    for (const d of o.file.definitions) {
      if (d.kind !== 'function' && d.kind !== 'method' && d.kind !== 'class') continue;
      const set = definedIn.get(d.name) ?? new Set();
      set.add(o.file.path);
      definedIn.set(d.name, set);
    }
  }
  const candidates: { path: string; line: number; name: string }[] = [];
  for (const o of outcomes) {
    if (!o.ok) continue;
    for (const u of o.file.usages) {
      const where = definedIn.get(u.name);
      if (u.kind !== 'call' || u.name.length < 4 || !where || where.size !== 1 || where.has(o.file.path) || u.line < 10) continue;
      if (family.get([...where][0]!) !== family.get(o.file.path)) continue;
      candidates.push({ path: o.file.path, line: u.line, name: u.name });
    }
  }
  // A fixed stride over the sorted candidates: the same set every run.
  const stride = Math.max(1, Math.floor(candidates.length / QUERIES));
  const probes: Probe[] = [];
  for (let i = 0; i < candidates.length && probes.length < QUERIES; i += stride) {
    const c = candidates[i]!;
    const lines = readFileSync(c.path, 'utf8').split('\n');
    const last = lines[c.line - 1] ?? '';
    const cut = last.indexOf(c.name);
    const before = lines.slice(Math.max(0, c.line - 21), c.line - 1);
    probes.push({ query: [...before, cut >= 0 ? last.slice(0, cut) : last].join('\n'), file: [...definedIn.get(c.name)!][0]!, from: c.path });
  }
  return probes;
}

/** Functions, methods and classes with a docstring or leading comment, paraphrased (see nl-queries). */
function naturalLanguageProbes(outcomes: ParseOutcome[]): Probe[] {
  const candidates: Probe[] = [];
  for (const o of outcomes) {
    if (!o.ok) continue;
    const lines = readFileSync(o.file.path, 'utf8').split('\n');
    for (const d of o.file.definitions) {
      if (d.kind !== 'function' && d.kind !== 'method' && d.kind !== 'class') continue;
      const query = paraphrase(docComment(lines, d, o.file.language === 'python'), d.name, candidates.length);
      // Nothing is excluded: a person searching in chat has no file of their own to leave out.
      if (query) candidates.push({ query, file: o.file.path, from: '' });
    }
  }
  const stride = Math.max(1, Math.floor(candidates.length / QUERIES));
  return candidates.filter((_, i) => i % stride === 0).slice(0, QUERIES);
}

interface Recall {
  at5: number;
  at10: number;
  /** Mean reciprocal rank of the answer within the top 10 (0 when it is not there). */
  mrr: number;
  times: number[];
}

async function recall(service: RetrievalService, probes: Probe[], options: SearchOptions): Promise<Recall> {
  let at5 = 0;
  let at10 = 0;
  let mrr = 0;
  const times: number[] = [];
  for (const probe of probes) {
    const started = performance.now();
    const result = await service.search(probe.query, 10, { perFile: 1, excludePaths: probe.from ? [probe.from] : [], ...options });
    times.push(performance.now() - started);
    const rank = result.results.findIndex((r) => r.file_path === probe.file);
    if (rank >= 0 && rank < 5) at5++;
    if (rank >= 0 && rank < 10) at10++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  return { at5: at5 / probes.length, at10: at10 / probes.length, mrr: mrr / probes.length, times };
}

async function embeddingsPerSecond(threads: number, texts: string[]): Promise<number> {
  // @ts-expect-error: the generator is a plain .mjs script without type declarations.
  const gen = (await import('../test/fixtures/gen-tiny-embedder.mjs')) as { writeTinyEmbedder: () => Promise<{ model: string; tokenizer: string }> };
  const fixture = await gen.writeTinyEmbedder();
  const pool = new WorkerPool({ workersDir: WORKERS, threads });
  const embedder = new LocalEmbedder(pool, { ...fixture, maxTokens: 512 }, 'bench', 32);
  await embedder.embed(['warm up']);
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += 32) batches.push(texts.slice(i, i + 32));
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: threads }, async () => {
    while (next < batches.length) await embedder.embed(batches[next++]!);
  }));
  const seconds = (performance.now() - started) / 1000;
  await pool.dispose();
  return texts.length / seconds;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const info = statSync(join(dir, name));
    total += info.isDirectory() ? dirBytes(join(dir, name)) : info.size;
  }
  return total;
}

export async function run(): Promise<BenchRow[]> {
  const workspacePath = buildCorpus();
  const cacheDir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-retrieval-cache-'));
  const logger = createLogger({ kind: 'stderr' }, 'warn');
  const pool = new WorkerPool({ workersDir: WORKERS, logger });
  const workspace = new WorkspaceService([workspacePath]);
  const files = new WorkspaceFiles({ configDir: cacheDir, home: cacheDir, logger, maxFiles: 1_000_000 });
  const watcher = new FileWatcher(logger);
  const documents = new DocumentsService();
  const upstream = createUpstreamClient({ insecure: false, userAgent: 'refact-ts-bench' });
  const service = new RetrievalService({
    workspace, files, watcher, documents, pool, cacheDir, logger, chunkerBuild: 'bench', upstream,
    caps: { getCaps: async () => ({ ok: false, detail: 'no caps in the benchmark' }) },
  });
  const started = performance.now();
  service.start();
  await service.idle();
  const indexSeconds = (performance.now() - started) / 1000;
  const status = service.status();
  const listed = (await files.list([workspacePath])).files;
  const outcomes = await parseCorpus(pool, listed);
  const probes = callSiteProbes(outcomes);
  const nlProbes = naturalLanguageProbes(outcomes);
  const lexical = await recall(service, probes, { use: ['lexical'] });
  const symbols = await recall(service, probes, { use: ['symbol'] });
  const hybrid = await recall(service, probes, { use: ['lexical', 'symbol'] });
  const nlLexical = await recall(service, nlProbes, { use: ['lexical'] });
  const nlHybrid = await recall(service, nlProbes, { use: ['lexical', 'symbol'] });
  // The fusion before issue 9 (ranks only, every identifier a name), on the same index.
  const ranks = await recall(service, probes, { use: ['lexical', 'symbol'], ranksOnly: true });
  const nlRanks = await recall(service, nlProbes, { use: ['lexical', 'symbol'], ranksOnly: true });
  const flux = await fluxRank(service, workspacePath, { use: ['lexical', 'symbol'] });
  const fluxBefore = await fluxRank(service, workspacePath, { use: ['lexical', 'symbol'], ranksOnly: true });
  for (const w of (process.env.RETRIEVAL_BENCH_WEIGHTS ?? '').split(',').filter(Boolean)) {
    const r = await recall(service, probes, { use: ['lexical', 'symbol'], symbolWeight: Number(w) });
    const nl = await recall(service, nlProbes, { use: ['lexical', 'symbol'], symbolWeight: Number(w) });
    process.stderr.write(`symbol weight ${w}: code recall@5 ${fmt(r.at5)} recall@10 ${fmt(r.at10)}; natural language recall@5 ${fmt(nl.at5)} recall@10 ${fmt(nl.at10)}\n`);
  }
  const texts = probes.slice(0, 256).flatMap((p) => p.query.split('\n\n')).slice(0, 1024);
  await service.dispose();
  await pool.dispose();
  upstream.dispose();
  await watcher.dispose();
  const bytes = dirBytes(join(cacheDir, 'retrieval'));
  const one = await embeddingsPerSecond(1, texts);
  const threads = Math.max(2, defaultThreads());
  const many = await embeddingsPerSecond(threads, texts);
  const b = 'retrieval';
  const chunks = status.chunks_total;
  return [
    { bench: b, metric: `corpus (node_modules JS/TS + Python)`, value: `${status.files_total} files, ${chunks} chunks`, unit: '' },
    { bench: b, metric: `evaluation call sites`, value: probes.length, unit: 'queries' },
    { bench: b, metric: 'recall@5 lexical', value: fmt(lexical.at5), unit: '' },
    { bench: b, metric: 'recall@10 lexical', value: fmt(lexical.at10), unit: '' },
    { bench: b, metric: 'recall@10 symbols only', value: fmt(symbols.at10), unit: '' },
    { bench: b, metric: 'recall@5 hybrid (lexical+symbols)', value: fmt(hybrid.at5), unit: '', comparison: `${fmt(ranks.at5)} fused on ranks only` },
    { bench: b, metric: 'recall@10 hybrid (lexical+symbols)', value: fmt(hybrid.at10), unit: '', goal: '>= 0.6', comparison: `${fmt(ranks.at10)} fused on ranks only` },
    { bench: b, metric: 'MRR@10 hybrid (lexical+symbols)', value: fmt(hybrid.mrr), unit: '', comparison: `${fmt(ranks.mrr)} fused on ranks only` },
    { bench: b, metric: `natural-language probes (paraphrased docstrings)`, value: nlProbes.length, unit: 'queries' },
    { bench: b, metric: 'NL recall@10 lexical', value: fmt(nlLexical.at10), unit: '' },
    { bench: b, metric: 'NL recall@5 hybrid (lexical+symbols)', value: fmt(nlHybrid.at5), unit: '', comparison: `${fmt(nlRanks.at5)} fused on ranks only` },
    { bench: b, metric: 'NL recall@10 hybrid (lexical+symbols)', value: fmt(nlHybrid.at10), unit: '', comparison: `${fmt(nlRanks.at10)} fused on ranks only` },
    { bench: b, metric: 'NL MRR@10 hybrid (lexical+symbols)', value: fmt(nlHybrid.mrr), unit: '', comparison: `${fmt(nlRanks.mrr)} fused on ranks only` },
    { bench: b, metric: `rank of the FluxCapacitorGauge file for '${FLUX.query}'`, value: flux || '> 100', unit: '', comparison: `${fluxBefore || '> 100'} fused on ranks only` },
    { bench: b, metric: 'recall vector / hybrid with vectors', value: 'skipped', unit: '', comparison: 'no real embedding model on this machine (the fixture model has no semantics)' },
    { bench: b, metric: 'chunks indexed (lexical, cold)', value: fmt(chunks / indexSeconds, 0), unit: 'chunks/s', comparison: `${fmt(indexSeconds, 1)} s for the corpus` },
    { bench: b, metric: `search p50 at ${chunks} chunks`, value: fmt(percentile(hybrid.times, 50)), unit: 'ms' },
    { bench: b, metric: `search p99 at ${chunks} chunks`, value: fmt(percentile(hybrid.times, 99)), unit: 'ms', goal: '< 20' },
    { bench: b, metric: 'store size per 1,000 chunks', value: fmt(bytes / 1024 / 1024 / (chunks / 1000)), unit: 'MiB' },
    { bench: b, metric: 'embeddings/s, fixture model, 1 thread', value: fmt(one, 0), unit: 'texts/s' },
    { bench: b, metric: `embeddings/s, fixture model, ${threads} threads`, value: fmt(many, 0), unit: 'texts/s' },
  ];
}
