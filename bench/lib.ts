/** Shared helpers for benchmarks: percentiles, timing, process and HTTP probes, corpus files. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';

export interface BenchRow {
  bench: string;
  metric: string;
  value: number | string;
  unit: string;
  /** The goal from the issue, as text (for example "< 300"). */
  goal?: string;
  /** A comparison against a named baseline measured in the same run. */
  comparison?: string;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export { freePort } from '../test/helpers/engine-process';

/** One GET on a keep-alive agent; resolves with status and body. */
export function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Latencies in milliseconds of `count` sequential GETs on one keep-alive connection. */
export async function latencies(port: number, path: string, count: number): Promise<{ times: number[]; status: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let status = 0;
  // Warm-up, the same for the engine and its baseline, so JIT compilation stays out of the tail.
  for (let i = 0; i < 500; i++) await get(agent, port, path);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    status = (await get(agent, port, path)).status;
    times.push(performance.now() - start);
  }
  agent.destroy();
  return { times, status };
}

/** Spawns a process and polls `path` until it answers 200; resolves with the elapsed ms. */
export async function timeToFirstAnswer(command: string, args: string[], port: number, path: string): Promise<{ ms: number; child: ChildProcess }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const agent = new Agent({ keepAlive: false });
  for (;;) {
    try {
      if ((await get(agent, port, path)).status === 200) return { ms: performance.now() - start, child };
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? NaN);
  return kb / 1024;
}

export const fmt = (n: number, digits = 2) => Number(n.toFixed(digits));

/**
 * Files below `dir` that `keep` accepts by name and size, depth first in sorted order (the same
 * corpus every run), until `limit` are found; entries that cannot be read are passed over.
 */
export function collectFiles(dir: string, keep: (name: string, size: number) => boolean, limit: number, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (out.length >= limit) break;
    const path = join(dir, name);
    let info;
    try {
      info = statSync(path);
    } catch {
      continue;
    }
    if (info.isDirectory()) collectFiles(path, keep, limit, out);
    else if (keep(name, info.size)) out.push(path);
  }
  return out;
}
