/**
 * Companion server benchmark. Starts the built server (dist/main.js) as a child process, the
 * way it runs in production, and drives it over loopback HTTP with keep-alive:
 *   1. the tiny GGUF on CPU: requests/s and time to first token (first SSE chunk) p50/p99 at
 *      concurrency 1, 4 and 16 (streamed completions of 16 tokens, 4 parallel sequences);
 *   2. the upstream proxy: latency of a fast scripted upstream called directly and through
 *      the server at concurrency 1 and 64; the difference is the latency the server adds. The
 *      scripted upstream runs in a process of its own, so neither measurement shares an event
 *      loop with the load generator, and direct and proxied batches alternate in rounds, so
 *      noise from a busy machine falls on both alike.
 * Run: cd companion && npm run bench   (or: node esbuild.mjs && node --import tsx bench/run.ts)
 * Options: --json (one JSON object instead of the table), --quick (fewer requests),
 * --upstream-only (skip section 1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeUpstream } from '../test/helpers/fake-upstream';
import { tinyGguf } from '../test/helpers/tiny-model';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
/** Proxied and direct batches alternate this many times per concurrency. */
const ROUNDS = quick ? 2 : 6;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** Spawns a process and resolves with the first `listening on URL` it prints to stderr. */
function startChild(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m?.[1]) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${log}`)));
  });
}

const startServer = (args: string[]) => startChild([join(here, '..', 'dist', 'main.js'), '--port', '0', '--perm-dir', join(here, '..', 'dist', 'bench-perm'), ...args]);

/** The scripted upstream in a child process: this file again, with `--serve-fake-upstream`. */
const startFakeUpstream = () => startChild(['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-fake-upstream']);

/** POSTs and resolves with [time to first body byte, total time] in ms. */
function timedPost(url: string, body: string): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => {
        first ||= performance.now();
      });
      res.on('end', () => (res.statusCode === 200 ? resolve([first - t0, performance.now() - t0]) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function load(concurrency: number, total: number, one: (i: number) => Promise<[number, number]>) {
  const results: Array<[number, number]> = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) results.push(await one(next++));
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, results };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function benchLocal() {
  const gguf = await tinyGguf();
  const { url, child } = await startServer(['--model', gguf, '--gpu', 'cpu', '--threads', '1', '--parallel', '4', '--max-queue', '64']);
  const rows = [];
  try {
    const body = (i: number) => JSON.stringify({ model: 'tiny-llama', prompt: `def f${i}(x):\n    return`, max_tokens: 16, temperature: 0, stream: true });
    await load(2, 4, (i) => timedPost(`${url}/v1/completions`, body(i))); // warm-up
    for (const c of [1, 4, 16]) {
      const total = quick ? c * 2 : Math.max(24, c * 4);
      const { seconds, results } = await load(c, total, (i) => timedPost(`${url}/v1/completions`, body(i)));
      const ttft = results.map((r) => r[0]);
      rows.push({ concurrency: c, requests: total, rps: total / seconds, ttft_p50_ms: pct(ttft, 50), ttft_p99_ms: pct(ttft, 99) });
    }
  } finally {
    child.kill('SIGTERM');
  }
  return rows;
}

/** CPU time (user + system) a process has used, in microseconds, from /proc (Linux). */
function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

async function benchUpstream() {
  const up = await startFakeUpstream();
  let server: ChildProcess | undefined;
  const body = JSON.stringify({ model: 'm', prompt: 'def f(x):\n    return', max_tokens: 16 });
  const rows = [];
  try {
    const started = await startServer(['--upstream', `m=${up.url}`]);
    const url = started.url;
    server = started.child;
    const call = (base: string) => () => timedPost(`${base}/v1/completions`, body);
    // Enough to let both JITs settle: the first proxied thousands run measurably slower.
    await load(64, 2000, call(up.url));
    await load(64, 2000, call(url));
    // Concurrency 1 shows the cost of one pass through the server; 64 adds its queueing
    // under saturation, where a CPU-bound proxy's added latency grows with the load.
    for (const c of [1, 64]) {
      const total = quick ? 320 : c === 1 ? 1200 : 4800;
      const direct: number[] = [];
      const proxied: number[] = [];
      let serverCpu = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so neither always runs on a machine warmed by the other.
        const order: Array<[string, number[]]> = round % 2 === 0 ? [[up.url, direct], [url, proxied]] : [[url, proxied], [up.url, direct]];
        for (const [base, into] of order) {
          const cpu0 = into === proxied ? cpuMicros(server.pid) : 0;
          for (const r of (await load(c, total / ROUNDS, call(base))).results) into.push(r[1]);
          if (into === proxied) serverCpu += cpuMicros(server.pid) - cpu0;
        }
      }
      rows.push({
        concurrency: c,
        requests: total,
        direct_p50_ms: pct(direct, 50),
        direct_p99_ms: pct(direct, 99),
        proxied_p50_ms: pct(proxied, 50),
        proxied_p99_ms: pct(proxied, 99),
        added_p50_ms: pct(proxied, 50) - pct(direct, 50),
        added_p99_ms: pct(proxied, 99) - pct(direct, 99),
        // The machine-independent part: what one proxied request costs the server's CPU.
        server_cpu_us_per_request: serverCpu / proxied.length,
      });
    }
  } finally {
    server?.kill('SIGTERM');
    up.child.kill('SIGTERM');
  }
  return rows;
}

async function main() {
  const local = process.argv.includes('--upstream-only') ? [] : await benchLocal();
  const upstream = await benchUpstream();
  agent.destroy();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ local, upstream }));
    return;
  }
  if (local.length > 0) {
    console.log('companion server, tiny GGUF on CPU (16-token streamed completions, 4 sequences, 1 thread)');
    console.log('concurrency  requests  req/s    TTFT p50 ms  TTFT p99 ms');
    for (const r of local) console.log(`${String(r.concurrency).padEnd(13)}${String(r.requests).padEnd(10)}${f(r.rps).padEnd(9)}${f(r.ttft_p50_ms).padEnd(13)}${f(r.ttft_p99_ms)}`);
    console.log('');
  }
  console.log('upstream proxy: a scripted upstream called directly and through the server (goal at 64: added < 1 ms p50, < 5 ms p99)');
  console.log('concurrency  requests  direct p50/p99 ms  proxied p50/p99 ms  added p50/p99 ms  server CPU us/request');
  for (const u of upstream) {
    console.log(`${String(u.concurrency).padEnd(13)}${String(u.requests).padEnd(10)}${`${f(u.direct_p50_ms)} / ${f(u.direct_p99_ms)}`.padEnd(19)}${`${f(u.proxied_p50_ms)} / ${f(u.proxied_p99_ms)}`.padEnd(20)}${`${f(u.added_p50_ms)} / ${f(u.added_p99_ms)}`.padEnd(18)}${Math.round(u.server_cpu_us_per_request)}`);
  }
}

const f = (n: number) => n.toFixed(2);
if (process.argv.includes('--serve-fake-upstream')) {
  const up = await fakeUpstream('bench', ['m']);
  process.stderr.write(`fake upstream listening on ${up.url}\n`);
  // Never outlive the bench, even one that was killed before it could stop this process.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
} else {
  await main();
}
