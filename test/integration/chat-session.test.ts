/**
 * Whole chat turns through the engine's session API on a real port, driven by a scripted
 * OpenAI-compatible upstream: the event order of a turn, reasoning, tool calls and usage, abort
 * mid-stream, duplicates, a full queue, reconnects, several subscribers, and failing providers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import { tempDir } from '../helpers/engine-process';
import { chatDelta, capsWith, scriptedChatModel, startChatHarness, usageChunk, type ChatHarness } from '../helpers/scripted-chat-upstream';
import { chatBody, startScriptedUpstream, type ScriptedReply, type ScriptedUpstream } from '../helpers/scripted-upstream';

const turn = (...texts: string[]) => ({
  kind: 'sse' as const,
  events: [...texts.map((t) => chatDelta({ content: t })), chatDelta({}, 'stop'), usageChunk(12, texts.length)],
});

describe('chat sessions over SSE', () => {
  let upstream: ScriptedUpstream;
  let harness: ChatHarness;
  /** Replies for streamed turns, in order; the title model's plain requests get a title. */
  const turns: ScriptedReply[] = [];
  before(async () => {
    upstream = await startScriptedUpstream((request) => (request.body?.stream ? turns.shift() ?? turn('ok') : { kind: 'json', body: chatBody('Scripted Title') }));
    harness = await startChatHarness({ caps: capsWith([scriptedChatModel(upstream.url)]), projectRoot: tempDir('chat-session') });
  });
  after(async () => {
    await harness.close();
    await upstream.close();
  });

  it('streams a turn in Refact\'s order: user message, stream, assistant message, idle', async () => {
    turns.push(turn('Hel', 'lo'));
    const events = await harness.subscribe('order');
    const snapshot = await events.next();
    assert.equal(snapshot.type, 'snapshot');
    assert.equal(snapshot.seq, '0');
    const answer = await harness.command('order', { client_request_id: 'r1', type: 'user_message', content: 'hi there' });
    assert.deepEqual(answer, { status: 202, body: { status: 'accepted' } });
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    const types = events.events.map((e) => e.type);
    assert.deepEqual(types, [
      'snapshot', 'ack', 'message_added', 'runtime_updated', 'stream_started',
      'stream_delta', 'stream_delta', 'stream_delta', 'stream_finished', 'message_added', 'runtime_updated',
    ]);
    // seq is a decimal string rising by one per event, after the snapshot's.
    assert.deepEqual(events.events.map((e) => e.seq), types.map((_, i) => String(i)));
    const user = events.events[2] as Extract<ChatEventEnvelope, { type: 'message_added' }>;
    assert.equal(user.message.role, 'user');
    assert.equal(user.message.content, 'hi there');
    const started = events.events[4] as Extract<ChatEventEnvelope, { type: 'stream_started' }>;
    const deltas = events.events.filter((e): e is Extract<ChatEventEnvelope, { type: 'stream_delta' }> => e.type === 'stream_delta');
    assert.deepEqual(deltas.map((d) => d.ops), [[{ op: 'append_content', text: 'Hel' }], [{ op: 'append_content', text: 'lo' }], [{ op: 'set_usage', usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } }]]);
    const finished = events.events[8] as Extract<ChatEventEnvelope, { type: 'stream_finished' }>;
    assert.equal(finished.finish_reason, 'stop');
    const assistant = events.events[9] as Extract<ChatEventEnvelope, { type: 'message_added' }>;
    assert.equal(assistant.message.message_id, started.message_id);
    assert.equal(assistant.message.content, 'Hello');
    assert.equal(assistant.index, 1);
    // The upstream got an OpenAI streaming request with usage asked for.
    const sent = upstream.requests.find((r) => r.body.stream)!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-scripted');
    assert.equal(sent.body.model, 'chat-model');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.deepEqual(sent.body.messages, [{ role: 'user', content: 'hi there' }]);
  });
});
