/**
 * The tools inside the real engine (`--ast --vecdb`, lexical retrieval) over a copy of the tool
 * fixture workspace, through `POST /v1/tools-execute`: symbol definitions and usages from the
 * AST index, semantic search, `web` against a local page, and an edit that the AST index
 * sees at once (a new function is found by `search_symbol_definition` right after).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ToolsExecuteResponse } from '../../src/protocol/tools';
import { eventually, postJson, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';

let n = 0;
async function execute(engine: EngineProcess, name: string, args: unknown, chatId = 'engine-chat'): Promise<ToolsExecuteResponse> {
  const id = `call_${n++}`;
  const messages = [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }];
  const { status, json } = await postJson(engine, '/v1/tools-execute', { messages, chat_id: chatId, model_name: '' });
  assert.equal(status, 200, JSON.stringify(json));
  return json as ToolsExecuteResponse;
}

describe('tools in the engine (--ast --vecdb)', () => {
  let engine: EngineProcess;
  let ws: string;
  let web: Server;
  let webUrl: string;

  before(async () => {
    ws = join(tempDir('tools-engine'), 'ws');
    cpSync(join(__dirname, '..', 'fixtures', 'tools-workspace'), ws, { recursive: true });
    web = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end('<html><head><script>var hidden = "SCRIPT";</script></head><body><h1>Greeting guide</h1><p>Say hello politely.</p></body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/guide`;
    engine = await startEngineProcess({ args: ['--workspace-folder', ws, '--ast', '--vecdb'] });
    await eventually('index done', async () => {
      const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
      return rag.ast?.state === 'done' && rag.vecdb?.state === 'done' && rag.ast.ast_index_files_total >= 2 ? true : null;
    });
  });
  after(async () => {
    await engine?.stop();
    await new Promise((resolve) => web?.close(resolve));
  });

  it('lists the index tools once the indexes run', async () => {
    const groups = (await (await fetch(`${engine.baseUrl}/v1/tools`)).json()) as Array<{ tools: Array<{ spec: { name: string } }> }>;
    const names = groups.flatMap((g) => g.tools.map((t) => t.spec.name));
    for (const name of ['search_symbol_definition', 'search_symbol_usages', 'search_semantic', 'cat', 'shell', 'cmdline_count_lines']) assert.ok(names.includes(name), name);
  });

  it('search_symbol_definition and search_symbol_usages answer from the AST index', async () => {
    const def = await execute(engine, 'search_symbol_definition', { symbols: 'greet' });
    assert.equal(def.tools_ran, true);
    assert.deepEqual(def.messages.map((m) => m.role), ['tool', 'context_file']);
    assert.match(def.messages[0]!.content, /greet: .* in .*src\/greet\.ts:1-3/);
    const files = JSON.parse(def.messages[1]!.content) as Array<{ file_name: string; file_content: string; line1: number; line2: number }>;
    assert.deepEqual(files.map((f) => [f.file_name, f.line1, f.line2]), [[join(ws, 'src', 'greet.ts'), 1, 3]]);
    const usages = await execute(engine, 'search_symbol_usages', { symbols: 'greet' });
    assert.match(usages.messages[0]!.content, new RegExp(`${join(ws, 'src', 'app.ts')}:4`));
  });

  it('search_semantic finds the file about greetings', async () => {
    const found = await execute(engine, 'search_semantic', { queries: 'greeting hello name', scope: 'workspace' });
    assert.equal(found.messages[0]!.tool_failed, undefined, found.messages[0]!.content);
    const files = JSON.parse(found.messages.find((m) => m.role === 'context_file')!.content) as Array<{ file_name: string }>;
    assert.ok(files.some((f) => f.file_name === join(ws, 'src', 'greet.ts')), JSON.stringify(files.map((f) => f.file_name)));
  });

  it('web turns a page into text', async () => {
    const page = await execute(engine, 'web', { url: webUrl });
    assert.match(page.messages[0]!.content, /GREETING GUIDE|Greeting guide/);
    assert.match(page.messages[0]!.content, /Say hello politely\./);
    assert.doesNotMatch(page.messages[0]!.content, /SCRIPT/);
  });

  it('an edit reaches the AST index at once: the new function is found', async () => {
    const path = join(ws, 'src', 'greet.ts');
    const edit = await execute(engine, 'update_textdoc', { path, old_str: 'export function greet', replacement: 'export function farewell(name: string): string {\n  return `Bye, ${name}`;\n}\n\nexport function greet' });
    assert.deepEqual(edit.messages.map((m) => m.role), ['tool', 'diff']);
    assert.match(readFileSync(path, 'utf8'), /function farewell/);
    const chunks = JSON.parse(edit.messages[1]!.content) as Array<{ line1: number; lines_add: string }>;
    assert.equal(chunks[0]!.line1, 1);
    assert.match(chunks[0]!.lines_add, /farewell/);
    await eventually('farewell in the AST index', async () => {
      const def = await execute(engine, 'search_symbol_definition', { symbols: 'farewell' });
      return /farewell: .*src\/greet\.ts:1-3/.test(def.messages[0]!.content) ? true : null;
    });
  });

  it('tools-execute runs only unanswered calls and refuses a bad body', async () => {
    const messages = [
      { role: 'assistant', content: null, tool_calls: [{ id: 'x1', type: 'function', function: { name: 'cat', arguments: '{"paths":"src/app.ts"}' } }] },
      { role: 'tool', tool_call_id: 'x1', content: 'done before' },
    ];
    const { json } = await postJson(engine, '/v1/tools-execute', { messages });
    assert.deepEqual(json, { messages: [], tools_ran: false });
    const bad = await postJson(engine, '/v1/tools-execute', { messages: 'nope' });
    assert.equal(bad.status, 422);
    assert.match(bad.json.detail, /`messages` must be a list/);
  });
});
