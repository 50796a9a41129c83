/**
 * Issue 5: the companion server's own benchmark (companion/bench/run.ts), run as a child process
 * and folded into the one table: requests/s and time to first token at concurrency 1/4/16 on
 * the tiny GGUF, and the latency the upstream proxy adds over calling the upstream directly.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fmt, type BenchRow } from './lib';

interface LocalRow { concurrency: number; requests: number; rps: number; ttft_p50_ms: number; ttft_p99_ms: number }
interface UpstreamRow { concurrency: number; direct_p50_ms: number; direct_p99_ms: number; proxied_p50_ms: number; proxied_p99_ms: number; added_p50_ms: number; added_p99_ms: number; server_cpu_us_per_request: number }

export async function run(): Promise<BenchRow[]> {
  const script = resolve(__dirname, '../companion/bench/run.ts');
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const { local, upstream } = JSON.parse(output.trim().split('\n').pop()!) as { local: LocalRow[]; upstream: UpstreamRow[] };
  const rows: BenchRow[] = [];
  for (const r of local) {
    rows.push({ bench: 'companion', metric: `tiny GGUF c=${r.concurrency} throughput`, value: fmt(r.rps, 1), unit: 'req/s' });
    rows.push({ bench: 'companion', metric: `tiny GGUF c=${r.concurrency} TTFT p50/p99`, value: `${fmt(r.ttft_p50_ms)} / ${fmt(r.ttft_p99_ms)}`, unit: 'ms' });
  }
  for (const u of upstream) {
    const goal = u.concurrency === 64 ? '< 1 / < 5' : undefined;
    rows.push({
      bench: 'companion',
      metric: `upstream proxy c=${u.concurrency} added p50/p99`,
      value: `${fmt(u.added_p50_ms)} / ${fmt(u.added_p99_ms)}`,
      unit: 'ms',
      ...(goal ? { goal } : {}),
      comparison: `direct ${fmt(u.direct_p50_ms)} / ${fmt(u.direct_p99_ms)} ms, proxied ${fmt(u.proxied_p50_ms)} / ${fmt(u.proxied_p99_ms)} ms`,
    });
    rows.push({ bench: 'companion', metric: `upstream proxy c=${u.concurrency} server CPU per request`, value: fmt(u.server_cpu_us_per_request, 0), unit: 'us' });
  }
  return rows;
}
