/**
 * Issue 3, parsing half: the project's own `node_modules` JS/TS files parsed through the real
 * worker pool (the bundled `dist/server/workers/parse.js`), then loaded into the in-memory index
 * and queried. Reports files/s and symbols/s for the default thread count (cores − 1) and for
 * two threads, skips by reason, peak RSS, index build time and definition-query p50/p99.
 * AST_BENCH_FILES caps the file count (default 10,000).
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AstIndex } from '../server/core/ast/ast-index';
import type { ParseInput } from '../server/core/ast/parse-file';
import { findDefinitions } from '../server/core/ast/queries';
import { Resolver } from '../server/core/ast/resolve';
import type { ParseOutcome } from '../server/core/ast/types';
import { parseFiles } from '../server/services/ast-tasks';
import { WorkerPool, defaultThreads } from '../server/services/worker-pool';
import { collectFiles, fmt, percentile, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const WORKERS = join(ROOT, 'dist', 'server', 'workers');
const EXTENSIONS = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;
const SLICE = 400;

/** Reads and parses in slices, as an indexer would, so the texts are not all held at once. */
async function parseAll(files: string[], threads: number): Promise<{ seconds: number; outcomes: ParseOutcome[] }> {
  const pool = new WorkerPool({ workersDir: WORKERS, threads });
  try {
    const started = performance.now();
    const outcomes: ParseOutcome[] = [];
    for (let i = 0; i < files.length; i += SLICE) {
      const inputs: ParseInput[] = files.slice(i, i + SLICE).map((path) => ({ path, relPath: relative(ROOT, path), text: readFileSync(path, 'utf8') }));
      outcomes.push(...(await parseFiles(pool, inputs, { batch: 16, timeoutMs: 60_000 })));
    }
    return { seconds: (performance.now() - started) / 1000, outcomes };
  } finally {
    await pool.dispose();
  }
}

export async function run(): Promise<BenchRow[]> {
  const limit = Number(process.env.AST_BENCH_FILES ?? 10_000);
  const files = collectFiles(join(ROOT, 'node_modules'), (name, size) => EXTENSIONS.test(name) && size > 0, limit);
  const megabytes = files.reduce((sum, path) => sum + statSync(path).size, 0) / 1e6;
  const rows: BenchRow[] = [
    { bench: 'ast-parse', metric: 'files (node_modules JS/TS)', value: files.length, unit: 'files' },
    { bench: 'ast-parse', metric: 'source size', value: fmt(megabytes, 1), unit: 'MB' },
  ];
  let last: ParseOutcome[] = [];
  let peakRss = 0;
  for (const threads of [...new Set([defaultThreads(), 2])]) {
    last = [];
    const { seconds, outcomes } = await parseAll(files, threads);
    last = outcomes;
    // Peak RSS is a lifetime maximum: take it after the first run, the engine's own thread count.
    peakRss ||= process.resourceUsage().maxRSS;
    const parsed = outcomes.filter((o) => o.ok);
    const symbols = parsed.reduce((sum, o) => sum + o.file.definitions.length + o.file.usages.length, 0);
    const label = `${threads} thread${threads > 1 ? 's' : ''}`;
    rows.push(
      { bench: 'ast-parse', metric: `cold parse, ${label}`, value: fmt(seconds, 1), unit: 's', goal: '10,000 files < 60 s' },
      { bench: 'ast-parse', metric: `files/s, ${label}`, value: fmt(files.length / seconds, 0), unit: 'files/s' },
      { bench: 'ast-parse', metric: `symbols/s, ${label}`, value: fmt(symbols / seconds, 0), unit: 'symbols/s' },
    );
  }
  const skipped = new Map<string, number>();
  for (const o of last) if (!o.ok) skipped.set(o.reason, (skipped.get(o.reason) ?? 0) + 1);
  rows.push({ bench: 'ast-parse', metric: 'skipped by reason', value: [...skipped].map(([r, n]) => `${r} ${n}`).join(', ') || 'none', unit: 'files' });

  const index = new AstIndex();
  const started = performance.now();
  for (const o of last) if (o.ok) index.setFile(o.file);
  rows.push(
    { bench: 'ast-parse', metric: 'definitions / usages indexed', value: `${index.definitionTotal} / ${index.usageTotal}`, unit: 'symbols' },
    { bench: 'ast-parse', metric: 'index build (in memory)', value: fmt(performance.now() - started, 0), unit: 'ms' },
  );
  const names = [...index.names()];
  const latencies: number[] = [];
  for (let i = 0; i < 2000 && names.length; i++) {
    const name = names[(i * 7919) % names.length]!;
    const t = performance.now();
    findDefinitions(index, name, 20);
    latencies.push(performance.now() - t);
  }
  rows.push({ bench: 'ast-parse', metric: 'definition query p50 / p99', value: `${fmt(percentile(latencies, 50), 3)} / ${fmt(percentile(latencies, 99), 3)}`, unit: 'ms', goal: 'p99 < 5' });
  const resolver = new Resolver(index);
  const sample = last.filter((o) => o.ok).slice(0, 500);
  const resolveStarted = performance.now();
  let resolved = 0;
  let usages = 0;
  for (const o of sample) {
    for (const r of resolver.resolveFile(o.file.path)) {
      usages++;
      if (r.target) resolved++;
    }
  }
  rows.push(
    { bench: 'ast-parse', metric: 'resolve usages (500 files)', value: fmt((usages / (performance.now() - resolveStarted)) * 1000, 0), unit: 'usages/s' },
    { bench: 'ast-parse', metric: 'usages resolved to a definition', value: fmt((100 * resolved) / Math.max(1, usages), 1), unit: '%' },
  );
  rows.splice(2, 0, { bench: 'ast-parse', metric: `peak RSS parsing with ${defaultThreads()} thread(s), results kept`, value: fmt(peakRss / 1024, 0), unit: 'MiB', goal: '< 1024' });
  return rows;
}
