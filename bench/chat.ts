/**
 * Issue 11, session half: the engine's own cost in a chat turn, measured on the real engine
 * process (`--ast --vecdb` over several thousand real source files, indexed before measuring)
 * against an OpenAI-compatible upstream in this process that serves caps and streams on cue.
 * - engine overhead: from the client's `POST /v1/chats/{id}/commands` (`user_message`) to the
 *   upstream seeing the chat request;
 * - SSE fan-out: from the upstream writing a token to each of 4 subscribers parsing its
 *   `stream_delta`.
 * Baseline for both, in the same run: a bare Node relay process doing only the forwarding.
 * CHAT_BENCH_FILES sets the corpus size (default 4,000).
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { collectFiles, fmt, freePort, get, percentile, stop, timeToFirstAnswer, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'server', 'main.js');
const TOTAL = Number(process.env.CHAT_BENCH_FILES ?? 4000);
const TURNS = 200;
const TOKENS = 300;
const SUBSCRIBERS = 4;
const WARMUP = 20;

/** The upstream: caps, title answers, and chat streams handed to the bench to feed. */
function startUpstream() {
  const arrivals: Array<{ at: number; res: ServerResponse; body: string }> = [];
  let wake: (() => void) | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // The mark is taken when the request's headers arrive, before its body is read.
    const at = performance.now();
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        cloud_name: 'Bench', caps_version: 1,
        completion: { endpoint: '/v1/completions', models: {}, default_model: '' },
        chat: { endpoint: '/v1/chat/completions', models: { 'bench-chat': { n_ctx: 32768, supports_scratchpads: { PASSTHROUGH: {} } }, 'bench-tools': { n_ctx: 32768, supports_scratchpads: { PASSTHROUGH: {} }, supports_tools: true } }, default_model: 'bench-chat' },
      }));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (!body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 't', object: 'chat.completion', created: 0, model: 'bench-chat', choices: [{ index: 0, message: { role: 'assistant', content: 'Bench title' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.socket?.setNoDelay(true);
      arrivals.push({ at, res, body });
      wake?.();
    });
  });
  return new Promise<{ port: number; next(): Promise<{ at: number; res: ServerResponse; body: string }>; close(): void }>((ready) => {
    server.listen(0, '127.0.0.1', () => {
      let taken = 0;
      ready({
        port: (server.address() as AddressInfo).port,
        async next() {
          while (arrivals.length <= taken) await new Promise<void>((r) => (wake = r));
          return arrivals[taken++]!;
        },
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

/**
 * The baseline for both figures: a bare Node relay in its own process, as the engine is. It
 * answers a POST at once and forwards it to the upstream, and copies the upstream's stream to
 * every subscriber. What the engine costs beyond this is its own work (sessions, context, events).
 */
const RELAY = `
const http = require('node:http');
const [upstreamPort] = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true });
const subscribers = new Set();
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    res.socket.setNoDelay(true);
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    return;
  }
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    const body = Buffer.concat(parts);
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (answer) => {
      answer.on('data', (c) => { for (const s of subscribers) s.write(c); });
    });
    up.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('relay ' + server.address().port));
`;

async function startRelay(upstreamPort: number): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', RELAY, String(upstreamPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.on('data', (d: Buffer) => {
    const m = /relay (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
  }));
  return { port, child };
}

const chunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'bench-chat', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

function finishStream(res: ServerResponse): void {
  res.end(`${chunk('', 'stop')}data: [DONE]\n\n`);
}

function post(agent: Agent, port: number, path: string, body: unknown): Promise<number> {
  return new Promise((done, fail) => {
    const payload = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(payload);
  });
}

/** An SSE reader that calls `onData` with each `data:` payload as soon as its line is complete. */
function subscribe(url: string, onData: (data: string) => void): Promise<() => void> {
  return new Promise((ready, fail) => {
    const req = request(url, (res) => {
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        const lines = (tail + text).split('\n');
        tail = lines.pop()!;
        for (const line of lines) if (line.startsWith('data: ')) onData(line.slice(6));
      });
      ready(() => res.destroy());
    });
    req.on('error', fail);
    req.end();
  });
}

function buildCorpus(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-chat-sessions-'));
  const source = join(ROOT, 'node_modules');
  let n = 0;
  for (const path of collectFiles(source, (name, size) => /\.(js|ts|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts') && size > 200 && size < 200_000, TOTAL)) {
    const target = join(workspace, `src${n++ % 40}`, relative(source, path).replace(/[/\\]/g, '__'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  }
  return workspace;
}

/** User message → upstream request, one turn at a time, each on a new chat (its first message). */
async function engineOverhead(port: number, upstream: Awaited<ReturnType<typeof startUpstream>>): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < TURNS + WARMUP; i++) {
    const t = performance.now();
    const status = post(agent, port, `/v1/chats/bench-${i}/commands`, { client_request_id: `r${i}`, type: 'user_message', content: `question ${i}: where is the parser?` });
    const arrived = await upstream.next();
    if ((await status) !== 202) throw new Error(`user_message answered ${await status}`);
    if (i >= WARMUP) times.push(arrived.at - t);
    finishStream(arrived.res);
  }
  agent.destroy();
  return times;
}

/**
 * The agent's tool-call round trip: the upstream answers with a `cat` call and ends its stream;
 * the sample runs from that end to the next upstream request, which carries the tool result
 * (parse the call, check it, confirmation rules, run it, the `tool` and `context_file`
 * messages, the next request built and sent). A new chat each, checkpoints off, on the model
 * with native tool calls.
 */
async function toolRoundTrip(port: number, upstream: Awaited<ReturnType<typeof startUpstream>>, model: string, file: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const call = { tool_calls: [{ index: 0, id: 'call_cat', type: 'function', function: { name: 'cat', arguments: JSON.stringify({ paths: file }) } }] };
  for (let i = 0; i < TURNS / 2 + WARMUP; i++) {
    const path = `/v1/chats/tool-rt-${i}/commands`;
    if ((await post(agent, port, path, { client_request_id: `p${i}`, type: 'set_params', patch: { model, checkpoints_enabled: false } })) !== 202) throw new Error('set_params refused');
    if ((await post(agent, port, path, { client_request_id: `t${i}`, type: 'user_message', content: `read ${file}` })) !== 202) throw new Error('user_message refused');
    const first = await upstream.next();
    const ended = new Promise<number>((done) => first.res.end(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'bench-tools', choices: [{ index: 0, delta: call, finish_reason: null }] })}\n\n${chunk('', 'tool_calls')}data: [DONE]\n\n`, () => done(performance.now())));
    const second = await upstream.next();
    if (!second.body.includes('"role":"tool"')) throw new Error('the second request carries no tool result');
    if (i >= WARMUP) times.push(second.at - (await ended));
    finishStream(second.res);
  }
  agent.destroy();
  return times;
}

/** The same user message through the bare relay process. */
async function relayHop(relayPort: number, upstream: Awaited<ReturnType<typeof startUpstream>>): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < TURNS + WARMUP; i++) {
    const t = performance.now();
    const status = post(agent, relayPort, '/forward', { model: 'bench-chat', stream: true, messages: [{ role: 'user', content: `question ${i}: where is the parser?` }] });
    const arrived = await upstream.next();
    await status;
    if (i >= WARMUP) times.push(arrived.at - t);
    finishStream(arrived.res);
  }
  agent.destroy();
  return times;
}

/** Token i is written when every reader has the token before it; each reader's delay is one sample. */
async function fanOut(readers: number, startTurn: () => Promise<void>, upstream: Awaited<ReturnType<typeof startUpstream>>, attach: (onToken: (i: number) => void) => Promise<Array<() => void>>): Promise<number[]> {
  const times: number[] = [];
  let sentAt = 0;
  let got = 0;
  let wake: (() => void) | null = null;
  const closers = await attach((i) => {
    if (i >= WARMUP) times.push(performance.now() - sentAt);
    if (++got === readers) wake?.();
  });
  await startTurn();
  const stream = await upstream.next();
  for (let i = 0; i < TOKENS + WARMUP; i++) {
    got = 0;
    const all = new Promise<void>((r) => (wake = r));
    sentAt = performance.now();
    stream.res.write(chunk(`<${i}>`));
    await all;
  }
  finishStream(stream.res);
  for (const close of closers) close();
  return times;
}

const tokenOf = (data: string): number | null => {
  const m = /"append_content","text":"<(\d+)>"/.exec(data) ?? /"content":"<(\d+)>"/.exec(data);
  return m ? Number(m[1]) : null;
};

export async function run(): Promise<BenchRow[]> {
  const workspace = buildCorpus();
  const cacheDir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-chat-sessions-cache-'));
  const upstream = await startUpstream();
  const port = await freePort();
  const args = [ENGINE, '--http-port', String(port), '--address-url', `http://127.0.0.1:${upstream.port}`, '--ast', '--vecdb',
    '--ast-max-files', String(TOTAL * 2), '--vecdb-max-files', String(TOTAL * 2), '--workspace-folder', workspace, '--cache-dir', cacheDir, '--config-dir', join(cacheDir, 'config')];
  const { child } = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
  const probe = new Agent({ keepAlive: true, maxSockets: 1 });
  let indexed = 0;
  for (;;) {
    const rag = JSON.parse((await get(probe, port, '/v1/rag-status')).body) as { ast: { state: string; ast_index_files_total: number }; vecdb: { state: string } };
    indexed = rag.ast.ast_index_files_total;
    if (rag.ast.state === 'done' && rag.vecdb.state === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.destroy();

  const relay = await startRelay(upstream.port);
  const overhead = await engineOverhead(port, upstream);
  const hop = await relayHop(relay.port, upstream);
  const caps = JSON.parse((await get(new Agent(), port, '/v1/caps')).body) as { chat_models: Record<string, unknown> };
  const toolModel = Object.keys(caps.chat_models).find((id) => id.endsWith('bench-tools'))!;
  const sample = relative(workspace, collectFiles(workspace, (_name, size) => size < 8000, 1)[0]!);
  const roundTrip = await toolRoundTrip(port, upstream, toolModel, sample);

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const fan = await fanOut(SUBSCRIBERS, async () => {
    await post(agent, port, '/v1/chats/fanout/commands', { client_request_id: 'f1', type: 'user_message', content: 'stream please' });
  }, upstream, async (onToken) => Promise.all(Array.from({ length: SUBSCRIBERS }, () => subscribe(`http://127.0.0.1:${port}/v1/chats/subscribe?chat_id=fanout`, (data) => {
    const i = tokenOf(data);
    if (i !== null) onToken(i);
  }))));
  const relayed = await fanOut(SUBSCRIBERS, async () => {
    await post(agent, relay.port, '/forward', { model: 'bench-chat', stream: true, messages: [] });
  }, upstream, async (onToken) => Promise.all(Array.from({ length: SUBSCRIBERS }, () => subscribe(`http://127.0.0.1:${relay.port}/subscribe`, (data) => {
    const i = tokenOf(data);
    if (i !== null) onToken(i);
  }))));
  agent.destroy();
  await stop(child);
  await stop(relay.child);
  upstream.close();

  const ratio = (a: number[], b: number[], p: number) => `${fmt(percentile(a, p) / percentile(b, p), 2)}x ${p === 50 ? 'p50' : 'p99'} of the baseline`;
  return [
    { bench: 'chat', metric: 'workspace (real JS/TS from node_modules), files indexed', value: indexed, unit: 'files' },
    { bench: 'chat', metric: 'user_message to upstream request p50 (engine overhead, new chat each)', value: fmt(percentile(overhead, 50)), unit: 'ms', comparison: `${ratio(overhead, hop, 50)} (bare Node relay process: ${fmt(percentile(hop, 50))} ms); ${overhead.length} turns` },
    { bench: 'chat', metric: 'user_message to upstream request p99', value: fmt(percentile(overhead, 99)), unit: 'ms', comparison: `${ratio(overhead, hop, 99)} (relay: ${fmt(percentile(hop, 99))} ms)` },
    { bench: 'chat', metric: `SSE fan-out, upstream token to each of ${SUBSCRIBERS} subscribers p50`, value: fmt(percentile(fan, 50)), unit: 'ms', comparison: `${ratio(fan, relayed, 50)} (bare Node relay process to ${SUBSCRIBERS}: ${fmt(percentile(relayed, 50))} ms); ${fan.length} deliveries` },
    { bench: 'chat', metric: 'agent tool round trip p50 (upstream `cat` call ends to the next upstream request with its result)', value: fmt(percentile(roundTrip, 50)), unit: 'ms', comparison: `p99 ${fmt(percentile(roundTrip, 99))} ms; ${roundTrip.length} round trips, a new chat each` },
    { bench: 'chat', metric: `SSE fan-out to ${SUBSCRIBERS} subscribers p99`, value: fmt(percentile(fan, 99)), unit: 'ms', comparison: `${ratio(fan, relayed, 99)} (relay: ${fmt(percentile(relayed, 99))} ms)` },
  ];
}
