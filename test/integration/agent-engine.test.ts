/**
 * The agent through the built engine process (main.ts's wiring): caps from a scripted
 * self-hosted server whose replies are tool calls, the real tools over a copy of the tool
 * fixture workspace. A turn reads a file and edits it (the `diff` event, the file on disk), the
 * user message carries the checkpoint taken before the turn, and restoring it through
 * `/v1/checkpoints-restore` brings the file back and truncates the chat there. A model whose
 * caps say no tool support gets the prompt-based protocol: tools in the system prompt, the call
 * parsed from its text, the result back as `<tool_response>`.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UserMessage } from '../../src/protocol/chat';
import { postJson, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { chatDelta, openEventStream } from '../helpers/scripted-chat-upstream';
import { chatBody, startScriptedUpstream, withCaps, type ScriptedReply, type ScriptedUpstream } from '../helpers/scripted-upstream';

const say = (text: string): ScriptedReply => ({ kind: 'sse', events: [chatDelta({ content: text }), chatDelta({}, 'stop')] });
const call = (id: string, name: string, args: unknown): ScriptedReply => ({
  kind: 'sse',
  events: [chatDelta({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }), chatDelta({}, 'tool_calls')],
});

const model = (supportsTools: boolean) => ({ n_ctx: 8192, supports_scratchpads: { PASSTHROUGH: {} }, supports_tools: supportsTools });
const CAPS = {
  cloud_name: 'Scripted',
  completion: { endpoint: '/v1/completions', models: {}, default_model: '' },
  chat: { endpoint: '/v1/chat/completions', models: { 'tool-model': model(true), 'plain-model': model(false) }, default_model: 'tool-model' },
  caps_version: 1,
};

describe('the agent in the engine process', () => {
  let upstream: ScriptedUpstream;
  let engine: EngineProcess;
  let ws: string;
  before(async () => {
    ws = join(tempDir('agent-engine'), 'ws');
    cpSync(join(__dirname, '..', 'fixtures', 'tools-workspace'), ws, { recursive: true });
    upstream = await startScriptedUpstream(withCaps(CAPS, (request) => (request.body?.stream ? say('done') : { kind: 'json', body: chatBody('Agent chat') })));
    engine = await startEngineProcess({ args: ['--workspace-folder', ws, '--address-url', upstream.url] });
  });
  after(async () => {
    await engine?.stop();
    await upstream?.close();
  });

  it('reads, edits (diff event, file on disk), and a checkpoint restore rolls the file and the chat back', async () => {
    const path = join(ws, 'src', 'greet.ts');
    const before = readFileSync(path, 'utf8');
    upstream.queue(call('c1', 'cat', { paths: 'src/greet.ts' }), call('c2', 'update_textdoc', { path: 'src/greet.ts', old_str: 'Hello', replacement: 'Howdy' }), say('Changed the greeting.'));
    const events = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=agent-1`);
    await events.nextOf('snapshot');
    assert.equal((await postJson(engine, '/v1/chats/agent-1/commands', { client_request_id: 'u1', type: 'user_message', content: 'make the greeting friendlier' })).status, 202);
    const userAdded = await events.nextOf('message_added', (e) => e.message.role === 'user');
    // The user message goes out first; the checkpoint joins it once taken.
    assert.equal((userAdded.message as UserMessage).checkpoints, undefined);
    const withCheckpoint = await events.nextOf('message_updated', (e) => e.message_id === userAdded.message.message_id);
    const checkpoints = (withCheckpoint.message as UserMessage).checkpoints!;
    assert.equal(checkpoints.length, 1);
    assert.equal(checkpoints[0]!.workspace_folder, ws);
    await events.nextOf('runtime_updated', (e) => e.state === 'executing_tools');
    const diff = await events.nextOf('message_added', (e) => e.message.role === 'diff');
    assert.equal(JSON.parse(diff.message.content as string)[0].lines_add, '  return `Howdy, ${name}!`;\n');
    assert.match(readFileSync(path, 'utf8'), /Howdy/);
    await events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'Changed the greeting.');
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    const streams = upstream.requests.filter((r) => r.body?.stream);
    assert.equal(streams.length, 3);
    assert.ok(streams[0]!.body.tools.some((d: { function: { name: string } }) => d.function.name === 'update_textdoc'));
    assert.ok(streams[1]!.body.messages.some((m: { role: string; tool_call_id?: string }) => m.role === 'tool' && m.tool_call_id === 'c1'));

    const restored = await postJson(engine, '/v1/checkpoints-restore', { checkpoints, meta: { chat_id: 'agent-1' } });
    assert.deepEqual([restored.status, restored.json], [200, { success: true, error_log: [] }]);
    assert.equal(readFileSync(path, 'utf8'), before);
    const truncated = await events.nextOf('messages_truncated');
    const again = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=agent-1`);
    const snapshot = await again.nextOf('snapshot');
    assert.equal(snapshot.messages.length, truncated.from_index);
    assert.ok(!snapshot.messages.some((m) => m.role === 'user' || m.role === 'diff'), JSON.stringify(snapshot.messages.map((m) => m.role)));
    again.close();
    events.close();
  });

  it('a model without tool support gets the tools in its prompt and its <tool_call> text runs', async () => {
    const caps = (await (await fetch(`${engine.baseUrl}/v1/caps`)).json()) as { chat_models: Record<string, unknown> };
    const plain = Object.keys(caps.chat_models).find((id) => id.endsWith('plain-model'))!;
    const events = await openEventStream(`${engine.baseUrl}/v1/chats/subscribe?chat_id=agent-prompt`);
    await events.nextOf('snapshot');
    assert.equal((await postJson(engine, '/v1/chats/agent-prompt/commands', { client_request_id: 'p0', type: 'set_params', patch: { model: plain } })).status, 202);
    const first = upstream.requests.length;
    upstream.queue(say('Let me look.\n<tool_call>\n{"name": "cat", "arguments": {"paths": "src/greet.ts"}}\n</tool_call>'), say('It greets by name.'));
    await postJson(engine, '/v1/chats/agent-prompt/commands', { client_request_id: 'p1', type: 'user_message', content: 'what does greet do?' });
    const tool = await events.nextOf('message_added', (e) => e.message.role === 'tool');
    const assistant = events.events.find((e) => e.type === 'message_added' && e.message.role === 'assistant');
    const callId = (assistant as { message: { tool_calls: Array<{ id: string; function: { name: string } }> } }).message.tool_calls[0]!;
    assert.equal(callId.function.name, 'cat');
    assert.equal((tool.message as { tool_call_id: string }).tool_call_id, callId.id);
    await events.nextOf('message_added', (e) => e.message.role === 'assistant' && e.message.content === 'It greets by name.');
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    const streams = upstream.requests.slice(first).filter((r) => r.body?.stream);
    assert.equal(streams.length, 2);
    assert.equal(streams[0]!.body.tools, undefined, 'no native tools for this model');
    assert.match(streams[0]!.body.messages[0].content, /<tools>[\s\S]*"name":"cat"/);
    const second = streams[1]!.body.messages as Array<{ role: string; content: string }>;
    assert.ok(second.every((m) => m.role !== 'tool'), 'no tool role for this model');
    const at = second.findIndex((m) => m.role === 'user' && m.content.startsWith('<tool_response>\nPaths found:'));
    assert.ok(at > 0, JSON.stringify(second.map((m) => m.role)));
    // The file cat read follows its result (the context_file message, as user text for this model).
    assert.ok(second.slice(at).some((m) => m.role === 'user' && m.content.includes('Hello, ${name}!')));
    const said = second.find((m) => m.role === 'assistant')!;
    assert.equal(said.content.match(/<tool_call>/g)?.length, 1, said.content);
    events.close();
  });
});
