/**
 * Issue 2: engine cold start to the first `/v1/ping` answer (median of 10), resident memory after
 * start, and `/v1/ping` and `/v1/caps` latency p50/p99 over 2,000 requests. Baselines in the same
 * run: a bare Node HTTP server's start and ping latency.
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fmt, freePort, latencies, median, percentile, rssMiB, stop, timeToFirstAnswer, type BenchRow } from './lib';

const ENGINE = resolve(__dirname, '../dist/server/main.js');
const RUNS = 10;
const REQUESTS = 2000;

const BARE_SERVER = `require('http').createServer((q, s) => s.end('pong\\n')).listen(+process.argv[1], '127.0.0.1')`;

const CAPS = {
  cloud_name: 'Bench Caps',
  completion: { endpoint: '/v1/completions', models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 8192, supports_scratchpads: { 'FIM-PSM': {} } } }, default_model: 'qwen2.5/coder/1.5b/base' },
  chat: { endpoint: '/v1/chat/completions', models: { 'qwen2.5/coder/7b/instruct': { n_ctx: 32768, supports_tools: true } }, default_model: 'qwen2.5/coder/7b/instruct' },
  embedding: { endpoint: '/v1/embeddings', models: { 'thenlper/gte-base': { n_ctx: 512, size: 768 } }, default_model: 'thenlper/gte-base' },
  caps_version: 1,
};

export async function run(): Promise<BenchRow[]> {
  const capsServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(CAPS)));
  await new Promise<void>((r) => capsServer.listen(0, '127.0.0.1', () => r()));
  const capsPort = (capsServer.address() as { port: number }).port;
  const home = mkdtempSync(join(tmpdir(), 'refact-ts-bench-'));

  const engineStarts: number[] = [];
  const bareStarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const args = [ENGINE, '--http-port', String(port), '--address-url', `http://127.0.0.1:${capsPort}`, '--config-dir', join(home, 'config'), '--cache-dir', join(home, 'cache')];
    const engine = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
    engineStarts.push(engine.ms);
    await stop(engine.child);
    const barePort = await freePort();
    const bare = await timeToFirstAnswer(process.execPath, ['-e', BARE_SERVER, String(barePort)], barePort, '/');
    bareStarts.push(bare.ms);
    await stop(bare.child);
  }

  const port = await freePort();
  const args = [ENGINE, '--http-port', String(port), '--address-url', `http://127.0.0.1:${capsPort}`, '--config-dir', join(home, 'config'), '--cache-dir', join(home, 'cache')];
  const engine = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
  const rss = rssMiB(engine.child.pid!);
  const ping = await latencies(port, '/v1/ping', REQUESTS);
  const caps = await latencies(port, '/v1/caps', REQUESTS);
  await stop(engine.child);

  const barePort = await freePort();
  const bare = await timeToFirstAnswer(process.execPath, ['-e', BARE_SERVER, String(barePort)], barePort, '/');
  const barePing = await latencies(barePort, '/', REQUESTS);
  await stop(bare.child);
  capsServer.close();

  const startMs = median(engineStarts);
  const bareStartMs = median(bareStarts);
  const pingP99 = percentile(ping.times, 99);
  const barePingP99 = percentile(barePing.times, 99);
  const capsNote = caps.status === 200 ? '' : ` (status ${caps.status})`;
  return [
    { bench: 'engine', metric: 'cold start to first ping, median of 10', value: fmt(startMs, 1), unit: 'ms', goal: '< 300', comparison: `${fmt(startMs / bareStartMs)}x bare node:http (${fmt(bareStartMs, 1)} ms)` },
    { bench: 'engine', metric: 'RSS after start', value: fmt(rss, 1), unit: 'MiB', goal: '< 80' },
    { bench: 'engine', metric: '/v1/ping p50', value: fmt(percentile(ping.times, 50), 3), unit: 'ms', comparison: `bare node:http p50 ${fmt(percentile(barePing.times, 50), 3)} ms` },
    { bench: 'engine', metric: '/v1/ping p99', value: fmt(pingP99, 3), unit: 'ms', goal: '< 2', comparison: `${fmt(pingP99 / barePingP99)}x bare node:http (${fmt(barePingP99, 3)} ms)` },
    { bench: 'engine', metric: `/v1/caps p50${capsNote}`, value: fmt(percentile(caps.times, 50), 3), unit: 'ms' },
    { bench: 'engine', metric: `/v1/caps p99${capsNote}`, value: fmt(percentile(caps.times, 99), 3), unit: 'ms' },
  ];
}
