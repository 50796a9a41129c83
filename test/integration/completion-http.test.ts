/**
 * `POST /v1/code-completion` over real sockets: the engine's HTTP app with the real completion
 * service, caps service and upstream client, against a scripted upstream (fault injection and
 * request counting only; real model answers are in completion-companion.test.ts). Covers the
 * typing-along cache, cancellation reaching the upstream socket, upstream failures naming the
 * provider with the next request working, slow context sources skipped, the chat fallback,
 * streaming, and bad input.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { CodeCompletionResponse } from '../../src/protocol/completion';
import { estimateCounter } from '../../server/core/completion';
import { buildApp } from '../../server/http/app';
import { completionRoutes } from '../../server/http/routes/completion';
import { CapsService } from '../../server/services/caps-service';
import { CompletionService } from '../../server/services/completion/completion-service';
import { ContextSources, type RetrievalSource } from '../../server/services/completion/context-sources';
import { RecentFiles } from '../../server/services/completion/recent-files';
import { DocumentsService } from '../../server/services/documents';
import { createHttpGet } from '../../server/services/http-get';
import { createLogger } from '../../server/services/logger';
import { PrivacyService } from '../../server/services/privacy';
import { ProvidersStore } from '../../server/services/providers-store';
import { createUpstreamClient } from '../../server/services/upstream/upstream-client';
import { pathToUri, WorkspaceService } from '../../server/services/workspace';
import { tempDir, writeFiles } from '../helpers/engine-process';
import { chatChunk, completionBody, selfHostedCaps, startScriptedUpstream, withCaps, type ScriptedUpstream } from '../helpers/scripted-upstream';

const QWEN_FIM = { fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>', context_format: 'qwen2.5', rag_ratio: 0.5 };
const CAPS = selfHostedCaps({ completion: { 'qwen2.5-coder-1.5b': { 'FIM-PSM': QWEN_FIM }, 'chatty-instruct': { REPLACE: {} } }, chat: ['chatty-instruct'] });

interface Rig {
  upstream: ScriptedUpstream;
  url: string;
  root: string;
  documents: DocumentsService;
  /** What the upstream says to every completion not scripted otherwise. */
  reply: { text: string };
  post(body: unknown, init?: RequestInit): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

async function startRig(options: { upstreamTimeoutMs: number; retrieval?: RetrievalSource }): Promise<Rig> {
  const reply = { text: '"hello " + name\nprint(1)' };
  const upstream = await startScriptedUpstream(withCaps(CAPS, (request) =>
    request.path === '/v1/chat/completions'
      ? { kind: 'sse', events: [chatChunk('<COMPLETION>"hi " + name</COMPLETION>', 'stop')] }
      : { kind: 'sse', events: [completionBody(reply.text.slice(0, 4), null), completionBody(reply.text.slice(4), 'stop')] }));
  const root = tempDir('completion-http');
  writeFiles(root, { 'config/privacy.yaml': 'privacy_rules:\n  blocked:\n    - "*secret*"\n' });
  const logger = createLogger({ kind: 'stderr' }, 'error');
  const caps = new CapsService({
    addressUrl: upstream.url, apiKey: '', experimental: false, userAgent: 'tests', providers: new ProvidersStore(join(root, 'providers.d')),
    fetch: createHttpGet({ insecure: false }), env: {}, logger,
  });
  caps.start();
  const documents = new DocumentsService();
  const workspace = new WorkspaceService([root]);
  const client = createUpstreamClient({ insecure: false, userAgent: 'tests' });
  const recent = new RecentFiles(documents);
  const sources = new ContextSources({ ast: null, retrieval: options.retrieval ?? null, recent, documents, timeoutMs: 50, roots: () => workspace.list() });
  const service = new CompletionService({
    caps, counters: { counterFor: async () => estimateCounter() }, upstream: client, sources, documents,
    workspaceFolders: () => workspace.list(), logger, upstreamTimeoutMs: options.upstreamTimeoutMs,
    privacy: new PrivacyService({ configDir: join(root, 'config'), folders: () => workspace.list() }),
  });
  const app: FastifyInstance = buildApp({ anyHost: false, logger, routes: [completionRoutes(service)] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/code-completion`;
  return {
    upstream, url, root, documents, reply,
    post: async (body, init = {}) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
      const text = await response.text();
      return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
    },
    close: async () => {
      await app.close();
      service.dispose();
      recent.dispose();
      client.dispose();
      caps.dispose();
      await upstream.close();
    },
  };
}

const TEXT = 'def greet(name):\n    return \n\nprint(greet("a"))\n';

function request(rig: Rig, overrides: { text?: string; line?: number; character?: number; [key: string]: unknown } = {}) {
  const { text = TEXT, line = 1, character = 11, ...rest } = overrides;
  const file = join(rig.root, 'src', 'app.py');
  return { model: '', inputs: { sources: { [file]: text }, cursor: { file, line, character }, multiline: false }, ...rest };
}

describe('code completion over HTTP', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ upstreamTimeoutMs: 30_000 });
  });
  after(() => rig?.close());

  it('sends a FIM prompt with stop sequences and answers with the post-processed text', async () => {
    const r = await rig.post(request(rig));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const answer = r.json as CodeCompletionResponse;
    assert.equal(answer.choices[0]!.code_completion, '"hello " + name');
    assert.equal(answer.choices[0]!.finish_reason, 'stop');
    assert.equal(answer.model, 'scripted/qwen2.5-coder-1.5b');
    assert.equal(answer.cached, false);
    assert.equal(answer.context!.mode, 'fim');
    assert.match(answer.context!.tokenizer_warning!, /estimate/);
    const sent = rig.upstream.posts('/v1/completions').at(-1)!.body;
    assert.equal(sent.model, 'qwen2.5-coder-1.5b');
    assert.equal(sent.stream, true);
    assert.equal(sent.max_tokens, 50);
    assert.equal(sent.temperature, 0.2);
    assert.ok(sent.stop.includes('<|endoftext|>') && sent.stop.includes('\n'), JSON.stringify(sent.stop));
    assert.match(sent.prompt, /<\|fim_prefix\|>def greet\(name\):\n {4}return <\|fim_suffix\|>\n\nprint\(greet\("a"\)\)\n<\|fim_middle\|>$/);
  });

  it('answers typing along a suggestion from the cache without an upstream request; no_cache asks again', async () => {
    await rig.post(request(rig, { no_cache: true }));
    const asked = rig.upstream.posts('/v1/completions').length;
    const typed = TEXT.replace('    return \n', '    return "hel\n');
    const hit = await rig.post(request(rig, { text: typed, character: 15 }));
    assert.equal(hit.status, 200);
    assert.equal(hit.json.cached, true);
    assert.equal(hit.json.choices[0].code_completion, 'lo " + name');
    assert.equal(hit.json.context, undefined);
    assert.equal(rig.upstream.posts('/v1/completions').length, asked);
    const fresh = await rig.post(request(rig, { text: typed, character: 15, no_cache: true }));
    assert.equal(fresh.json.cached, false);
    assert.equal(rig.upstream.posts('/v1/completions').length, asked + 1);
  });

  it('streams deltas that add up to the completion, then the finish reason, then [DONE]', async () => {
    const r = await rig.post(request(rig, { stream: true, no_cache: true }));
    assert.equal(r.status, 200);
    const frames = (r.json as string).split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
    assert.equal(frames.at(-1), '[DONE]');
    const parsed = frames.slice(0, -1).map((f) => JSON.parse(f));
    assert.equal(parsed.map((f) => f.choices[0].code_completion).join(''), '"hello " + name');
    assert.equal(parsed.at(-1).choices[0].finish_reason, 'stop');
    assert.equal(parsed.at(-1).context.mode, 'fim');
    assert.ok(parsed.slice(0, -1).every((f) => f.choices[0].finish_reason === null));
  });

  it('streams finished lines of a block while the provider is still generating', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    rig.upstream.queue({ kind: 'sse-gated', first: [completionBody('x = 1\n    y = 2\n    z = 3\n', null)], gate, rest: [completionBody('    return x + y + z\n\nprint(0)', 'stop')] });
    const text = 'def total():\n    \n';
    const file = join(rig.root, 'src', 'block.py');
    const response = await fetch(rig.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: '', inputs: { sources: { [file]: text }, cursor: { file, line: 1, character: 4 }, multiline: true }, stream: true, no_cache: true }),
    });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const frames: string[] = [];
    while (frames.length === 0) {
      const { value, done } = await reader.read();
      assert.equal(done, false);
      buffered += decoder.decode(value, { stream: true });
      const parts = buffered.split('\n\n');
      buffered = parts.pop()!;
      frames.push(...parts.map((p) => p.slice('data: '.length)));
    }
    // The first lines arrived before the provider finished (the gate is still shut).
    assert.equal(JSON.parse(frames[0]!).choices[0].code_completion, 'x = 1\n    y = 2\n');
    open();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
    }
    frames.push(...buffered.split('\n\n').filter((p) => p.startsWith('data: ')).map((p) => p.slice('data: '.length)));
    assert.equal(frames.at(-1), '[DONE]');
    const deltas = frames.slice(0, -1).map((f) => JSON.parse(f).choices[0].code_completion).join('');
    assert.equal(deltas, 'x = 1\n    y = 2\n    z = 3\n    return x + y + z');
  });

  it('aborts the upstream request when the HTTP client disconnects', async () => {
    const before = rig.upstream.requests.length;
    rig.upstream.queue({ kind: 'hang' });
    const client = new AbortController();
    const pending = rig.post(request(rig, { no_cache: true }), { signal: client.signal }).catch((error: Error) => error);
    const upstreamCall = await rig.upstream.waitFor((r, i) => i >= before && r.path === '/v1/completions');
    client.abort();
    await upstreamCall.aborted;
    assert.equal(upstreamCall.abortedByClient, true);
    assert.equal(((await pending) as Error).name, 'AbortError');
  });

  it('a newer request for the same document aborts the older one upstream', async () => {
    const before = rig.upstream.requests.length;
    rig.upstream.queue({ kind: 'hang' });
    const older = rig.post(request(rig, { no_cache: true }));
    const olderCall = await rig.upstream.waitFor((r, i) => i >= before && r.path === '/v1/completions');
    const newer = await rig.post(request(rig, { no_cache: true, character: 10 }));
    await olderCall.aborted;
    assert.equal(newer.status, 200);
    const superseded = await older;
    assert.equal(superseded.status, 499);
    assert.match(superseded.json.detail, /newer completion request/);
  });

  it('uses the files the user edited last as context, not the cursor file itself', async () => {
    const other = join(rig.root, 'src', 'names.py');
    rig.documents.open(pathToUri(other), 'python', 1, 'GREETING = "hello"\n');
    rig.documents.change(pathToUri(other), 2, [{ text: 'GREETING = "hello"\nFAREWELL = "bye"\n' }]);
    // The cursor's own file, open in the editor too, is not context for itself.
    rig.documents.open(pathToUri(join(rig.root, 'src', 'app.py')), 'python', 1, TEXT);
    const r = await rig.post(request(rig, { no_cache: true }));
    const recent = r.json.context.sources.find((s: { name: string }) => s.name === 'recent');
    assert.equal(recent.status, 'used');
    assert.deepEqual(r.json.context.attached_files.map((f: { file_name: string; source: string }) => [f.file_name, f.source]), [[other, 'recent']]);
    assert.match(rig.upstream.posts('/v1/completions').at(-1)!.body.prompt, /<\|file_sep\|>src\/names\.py\nGREETING = "hello"\nFAREWELL = "bye"\n/);
  });

  it('fills the prompt of a long file to the budget around the cursor', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `total_${i} = ${i}\n`);
    const text = lines.join('') + 'def tail():\n    return \n';
    const r = await rig.post(request(rig, { text, line: 20_001, character: 11, no_cache: true }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const context = r.json.context;
    assert.ok(context.prompt_tokens <= context.budget_tokens && context.fill_ratio >= 0.97, `${context.prompt_tokens} of ${context.budget_tokens}`);
    const prompt = rig.upstream.posts('/v1/completions').at(-1)!.body.prompt as string;
    assert.match(prompt, /total_19999 = 19999\ndef tail\(\):\n {4}return <\|fim_suffix\|>/);
  });

  it('refuses a file privacy.yaml blocks, and leaves blocked files out of the context', async () => {
    const secretFile = join(rig.root, 'src', 'secret_keys.py');
    const refused = await rig.post({ ...request(rig, { no_cache: true }), inputs: { sources: { [secretFile]: TEXT }, cursor: { file: secretFile, line: 1, character: 11 }, multiline: false } });
    assert.equal(refused.status, 422);
    assert.match(refused.json.detail, /blocked by privacy rule '\*secret\*'/);
    const secretOther = join(rig.root, 'src', 'secret_conf.py');
    rig.documents.open(pathToUri(secretOther), 'python', 1, 'TOKEN = "x"\n');
    rig.documents.change(pathToUri(secretOther), 2, [{ text: 'TOKEN = "sk-live-123"\n' }]);
    const r = await rig.post(request(rig, { no_cache: true }));
    assert.equal(r.status, 200);
    assert.ok(!r.json.context.attached_files.some((f: { file_name: string }) => f.file_name === secretOther));
    assert.ok(!rig.upstream.posts('/v1/completions').at(-1)!.body.prompt.includes('sk-live-123'));
  });

  it('completes with a chat model through the chat endpoint when the model has no FIM', async () => {
    const r = await rig.post(request(rig, { model: 'scripted/chatty-instruct', no_cache: true }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.choices[0].code_completion, '"hi " + name');
    assert.equal(r.json.context.mode, 'chat');
    const sent = rig.upstream.posts('/v1/chat/completions').at(-1)!.body;
    assert.equal(sent.model, 'chatty-instruct');
    assert.match(sent.messages.at(-1).content, /return \{\{FILL_HERE\}\}/);
  });

  it('refuses bad input with a 4xx and a detail', async () => {
    const file = join(rig.root, 'src', 'app.py');
    const cases: [unknown, number, RegExp][] = [
      [request(rig, { line: 9 }), 400, /cursor line 9 is outside the file/],
      [request(rig, { character: 40 }), 400, /past the end of line 1/],
      [{ inputs: { sources: { '/elsewhere.py': 'x' }, cursor: { file, line: 0, character: 0 }, multiline: false } }, 400, /not in inputs.sources/],
      [request(rig, { model: 'no-such-model' }), 422, /model 'no-such-model' not found/],
      ['{"inputs": {', 400, /JSON/i],
      [{ model: '' }, 400, /inputs/],
      [request(rig, { character: -1 }), 400, /character/],
    ];
    for (const [body, status, detail] of cases) {
      const r = await rig.post(body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.match(r.json.detail, detail);
    }
  });
});

describe('code completion when the provider or a context source fails', () => {
  let rig: Rig;
  before(async () => {
    // A search that never answers: the slow source must be skipped, not waited for.
    const stuck: RetrievalSource = { search: () => new Promise(() => undefined) };
    rig = await startRig({ upstreamTimeoutMs: 400, retrieval: stuck });
  });
  after(() => rig?.close());

  it('skips a context source that does not answer in time', async () => {
    const r = await rig.post(request(rig, { no_cache: true }));
    assert.equal(r.status, 200);
    const retrieval = r.json.context.sources.find((s: { name: string }) => s.name === 'retrieval');
    assert.equal(retrieval.status, 'timeout');
  });

  const failures: [string, Parameters<ScriptedUpstream['queue']>[0], RegExp][] = [
    ['a timeout', { kind: 'hang' }, /provider 'scripted' did not answer within 400 ms/],
    ['a 500', { kind: 'json', status: 500, body: { error: { message: 'model crashed' } } }, /provider 'scripted' answered 500: model crashed/],
    ['a malformed stream', { kind: 'sse', events: ['{"choices": [{"text": "ok", "finish_reason": null}]}', 'this is not json'] }, /provider 'scripted' sent a stream event that is not JSON/],
    ['a dropped connection', { kind: 'reset' }, /provider 'scripted'/],
  ];
  for (const [what, reply, detail] of failures) {
    it(`turns ${what} into a 502 naming the provider, and the next request works`, async () => {
      rig.upstream.queue(reply);
      const failed = await rig.post(request(rig, { no_cache: true }));
      assert.equal(failed.status, 502, JSON.stringify(failed.json));
      assert.match(failed.json.detail, detail);
      const next = await rig.post(request(rig, { no_cache: true }));
      assert.equal(next.status, 200, JSON.stringify(next.json));
      assert.equal(next.json.choices[0].code_completion, '"hello " + name');
    });
  }
});
