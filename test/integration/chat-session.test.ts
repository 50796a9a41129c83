/**
 * Whole chat turns through the engine's session API on a real port, driven by a scripted
 * OpenAI-compatible upstream: the event order of a turn, reasoning, tool calls and usage, abort
 * mid-stream, duplicates, a full queue, reconnects, several subscribers, and failing providers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import type { ChatTools } from '../../server/services/chat/session-loop';
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

  it('streams reasoning, tool calls merged from fragments, and the finish reason', async () => {
    turns.push({
      kind: 'sse',
      events: [
        chatDelta({ reasoning_content: 'think ' }),
        chatDelta({ reasoning_content: 'hard' }),
        chatDelta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'cat', arguments: '{"pa' } }] }),
        chatDelta({ tool_calls: [{ index: 0, function: { arguments: 'th":"a.py"}' } }] }),
        chatDelta({}, 'tool_calls'),
      ],
    });
    const events = await harness.subscribe('tools');
    await harness.command('tools', { client_request_id: 't1', type: 'user_message', content: 'read a.py' });
    const added = await events.nextOf('message_added', (e) => e.message.role === 'assistant');
    const message = added.message as Extract<typeof added.message, { role: 'assistant' }>;
    assert.equal(message.reasoning_content, 'think hard');
    assert.deepEqual(message.tool_calls, [{ id: 'call_a', type: 'function', function: { name: 'cat', arguments: '{"path":"a.py"}' }, index: 0 }]);
    assert.equal(message.finish_reason, 'tool_calls');
    const ops = events.events.filter((e) => e.type === 'stream_delta').flatMap((e) => (e as Extract<ChatEventEnvelope, { type: 'stream_delta' }>).ops.map((o) => o.op));
    assert.deepEqual(ops, ['append_reasoning', 'append_reasoning', 'set_tool_calls', 'set_tool_calls']);
  });

  it('aborts mid-stream: the upstream sees its socket close, the draft goes, the chat stays usable', async () => {
    turns.push({ kind: 'sse-hold', events: [chatDelta({ content: 'partial' })] });
    const events = await harness.subscribe('abort');
    await harness.command('abort', { client_request_id: 'a1', type: 'user_message', content: 'long answer please' });
    const started = await events.nextOf('stream_started');
    await events.nextOf('stream_delta');
    const holding = upstream.requests.filter((r) => r.body.stream).at(-1)!;
    const answer = await harness.command('abort', { client_request_id: 'a2', type: 'abort' });
    assert.deepEqual(answer, { status: 200, body: { status: 'aborted' } });
    await holding.aborted;
    assert.equal(holding.abortedByClient, true);
    const finished = await events.nextOf('stream_finished');
    assert.deepEqual([finished.message_id, finished.finish_reason], [started.message_id, 'abort']);
    await events.nextOf('message_removed', (e) => e.message_id === started.message_id);
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    turns.push(turn('again'));
    await harness.command('abort', { client_request_id: 'a3', type: 'user_message', content: 'short one' });
    const next = await events.nextOf('message_added', (e) => e.message.role === 'assistant');
    assert.equal(next.message.content, 'again');
    const reconnect = await harness.subscribe('abort');
    const snapshot = await reconnect.nextOf('snapshot');
    assert.deepEqual(snapshot.messages.map((m) => m.role), ['user', 'user', 'assistant']);
  });

  it('answers a repeated client_request_id with duplicate and runs it once', async () => {
    const events = await harness.subscribe('dup');
    const first = await harness.command('dup', { client_request_id: 'same', type: 'user_message', content: 'once' });
    const second = await harness.command('dup', { client_request_id: 'same', type: 'user_message', content: 'once' });
    assert.equal(first.status, 202);
    assert.deepEqual(second, { status: 200, body: { status: 'duplicate' } });
    await events.find('ack', (e) => (e.result as { duplicate?: boolean })?.duplicate === true);
    await events.find('runtime_updated', (e) => e.state === 'idle');
    const snapshot = await (await harness.subscribe('dup')).nextOf('snapshot');
    assert.equal(snapshot.messages.filter((m) => m.role === 'user').length, 1);
  });

  it('answers 429 queue_full past 100 waiting commands, and runs the queue after an abort', async () => {
    turns.push({ kind: 'sse-hold', events: [] });
    const events = await harness.subscribe('full');
    await harness.command('full', { client_request_id: 'q0', type: 'user_message', content: 'first' });
    await events.nextOf('stream_started');
    for (let i = 1; i <= 100; i++) {
      const r = await harness.command('full', { client_request_id: `q${i}`, type: 'user_message', content: `queued ${i}` });
      assert.equal(r.status, 202, `command ${i}`);
    }
    const refused = await harness.command('full', { client_request_id: 'q101', type: 'user_message', content: 'one too many' });
    assert.deepEqual(refused, { status: 429, body: { status: 'queue_full' } });
    const nack = await events.nextOf('ack', (e) => e.client_request_id === 'q101');
    assert.equal(nack.accepted, false);
    await harness.command('full', { client_request_id: 'stop', type: 'abort' });
    await events.nextOf('message_added', (e) => e.message.role === 'user' && e.message.content === 'queued 100');
    await events.nextOf('runtime_updated', (e) => e.state === 'idle' && e.queue_size === 0);
  });

  it('gives a reconnecting subscriber a snapshot with the draft so far, and two subscribers the same seq', async () => {
    turns.push({ kind: 'sse-hold', events: [chatDelta({ content: 'so far' })] });
    const one = await harness.subscribe('multi');
    const two = await harness.subscribe('multi');
    await harness.command('multi', { client_request_id: 'm1', type: 'user_message', content: 'tell me' });
    const delta = await one.nextOf('stream_delta');
    await two.nextOf('stream_delta');
    assert.deepEqual(one.events, two.events);
    const late = await harness.subscribe('multi');
    const snapshot = await late.nextOf('snapshot');
    assert.equal(snapshot.seq, delta.seq);
    assert.equal(snapshot.runtime.state, 'generating');
    assert.deepEqual(snapshot.messages.map((m) => [m.role, m.content]), [['user', 'tell me'], ['assistant', 'so far']]);
    await harness.command('multi', { client_request_id: 'm2', type: 'abort' });
    const idle = await one.nextOf('runtime_updated', (e) => e.state === 'idle');
    const idleTwo = await two.nextOf('runtime_updated', (e) => e.state === 'idle');
    const idleLate = await late.nextOf('runtime_updated', (e) => e.state === 'idle');
    assert.equal(idle.seq, idleTwo.seq);
    assert.equal(idle.seq, idleLate.seq);
    // No gap: every event after the snapshot came, one seq after the other.
    assert.equal(Number(idleLate.seq), Number(snapshot.seq) + late.events.indexOf(idleLate));
  });

  it('sets params, truncates on retry, updates and removes messages', async () => {
    const events = await harness.subscribe('edit');
    assert.equal((await harness.command('edit', { client_request_id: 'p1', type: 'set_params', patch: { mode: 'NO_TOOLS', boost_reasoning: true } })).status, 202);
    const patch = await events.nextOf('thread_updated');
    assert.deepEqual([patch.mode, patch.boost_reasoning], ['NO_TOOLS', true]);
    const bad = await harness.command('edit', { client_request_id: 'p2', type: 'set_params', patch: { mode: 'TURBO' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /mode must be one of/);
    turns.push(turn('one'), turn('two'));
    await harness.command('edit', { client_request_id: 'e1', type: 'user_message', content: 'first' });
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    await harness.command('edit', { client_request_id: 'e2', type: 'retry_from_index', index: 0, content: 'first, again' });
    const truncated = await events.nextOf('messages_truncated');
    assert.equal(truncated.from_index, 0);
    const user = await events.nextOf('message_added', (e) => e.message.role === 'user');
    await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    await harness.command('edit', { client_request_id: 'e3', type: 'update_message', message_id: user.message.message_id, content: 'edited' });
    const updated = await events.nextOf('message_updated');
    assert.equal(updated.message.content, 'edited');
    await harness.command('edit', { client_request_id: 'e4', type: 'remove_message', message_id: user.message.message_id });
    await events.nextOf('message_removed', (e) => e.message_id === user.message.message_id);
    const missing = await harness.command('edit', { client_request_id: 'e5', type: 'remove_message', message_id: 'nope' });
    assert.equal(missing.status, 404);
    const snapshot = await (await harness.subscribe('edit')).nextOf('snapshot');
    assert.deepEqual(snapshot.messages.map((m) => [m.role, m.content]), [['assistant', 'two']]);
    assert.equal(snapshot.thread.mode, 'NO_TOOLS');
  });

  it('serves the event stream over cleartext HTTP/2 too (Refact\'s VS Code extension talks h2c)', async () => {
    const { connect } = await import('node:http2');
    const session = connect(harness.baseUrl);
    try {
      const first = await new Promise<{ status: unknown; type: unknown; data: string }>((resolve, reject) => {
        const request = session.request({ ':path': '/v1/chats/subscribe?chat_id=h2' });
        let status: unknown;
        let type: unknown;
        request.on('response', (headers) => ((status = headers[':status']), (type = headers['content-type'])));
        request.setEncoding('utf8');
        request.once('data', (data: string) => resolve({ status, type, data }));
        request.on('error', reject);
        request.end();
      });
      assert.deepEqual([first.status, first.type], [200, 'text/event-stream']);
      assert.match(first.data, /^data: \{"chat_id":"h2","seq":"0","type":"snapshot"/);
    } finally {
      session.destroy();
    }
  });

  it('refuses invalid content with 400 and a reason, and bodies that are not commands with a detail', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const events = await harness.subscribe('invalid');
    const cases: Array<[unknown, RegExp]> = [
      [[], /empty/],
      [[{ text: 'no type' }], /missing 'type'/],
      [[{ type: 'text' }], /missing 'text'/],
      [[{ type: 'video', data: 'x' }], /Unknown content type 'video'/],
      [[{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }], /base64 data URL/],
      [[{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@' } }], /base64 data URL/],
      [[{ type: 'image_url' }], /image_url.url/],
      [Array.from({ length: 6 }, () => ({ type: 'image_url', image_url: { url: png } })), /Too many images: max 5/],
      [42, /must be string or array/],
      ['', /empty/],
    ];
    for (const [i, [content, reason]] of cases.entries()) {
      const r = await harness.command('invalid', { client_request_id: `bad${i}`, type: 'user_message', content });
      assert.equal(r.status, 400, JSON.stringify(content));
      assert.equal(r.body.status, 'invalid_content');
      assert.match(r.body.error, reason);
      const ack = await events.nextOf('ack', (e) => e.client_request_id === `bad${i}`);
      assert.equal(ack.accepted, false);
    }
    const attachments = await harness.command('invalid', { client_request_id: 'att', type: 'user_message', content: 'see', attachments: [{ image_url: { url: 'nope' } }] });
    assert.match(attachments.body.error, /Attachment 0/);
    for (const [body, reason] of [
      [{ type: 'user_message', content: 'x' }, /client_request_id/],
      [{ client_request_id: 'u1', type: 'shout', content: 'x' }, /unknown command type "shout"/],
      [{ client_request_id: 'u2', type: 'tool_decision', tool_call_id: 'c', accepted: true }, /not supported: this engine runs no tools/],
      [{ client_request_id: 'u3', type: 'retry_from_index', index: -1, content: 'x' }, /index/],
      [[1, 2], /JSON object/],
    ] as Array<[unknown, RegExp]>) {
      const r = await harness.command('invalid', body);
      assert.equal(r.status, 400);
      assert.match(r.body.detail, reason);
    }
    const badId = await harness.command('../etc', { client_request_id: 'x', type: 'abort' });
    assert.equal(badId.status, 400);
    const noChat = await fetch(`${harness.baseUrl}/v1/chats/subscribe`);
    assert.deepEqual([noChat.status, await noChat.json()], [400, { detail: 'chat_id required' }]);
    const badChat = await fetch(`${harness.baseUrl}/v1/chats/subscribe?chat_id=a%2Fb`);
    assert.equal(badChat.status, 400);
    // Text and images together are one multimodal message.
    turns.push(turn('a cat'));
    const ok = await harness.command('invalid', { client_request_id: 'good', type: 'user_message', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: png } }] });
    assert.equal(ok.status, 202);
    const user = await events.nextOf('message_added', (e) => e.message.role === 'user');
    assert.deepEqual(user.message.content, [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: png } }]);
  });
});

describe('chat sessions when the model cannot answer', () => {
  it('ends the turn with an error naming the provider, and the chat stays usable', async () => {
    const upstream = await startScriptedUpstream(() => turn('back'));
    const dead = scriptedChatModel('http://127.0.0.1:9', 'gone-model', 'deadprov');
    const harness = await startChatHarness({ caps: capsWith([dead, scriptedChatModel(upstream.url)]), projectRoot: null });
    try {
      const events = await harness.subscribe('fail');
      await harness.command('fail', { client_request_id: 'f1', type: 'user_message', content: 'hello?' });
      const failed = await events.nextOf('runtime_updated', (e) => e.state === 'error');
      assert.match(failed.error!, /provider 'deadprov'/);
      await harness.command('fail', { client_request_id: 'f2', type: 'set_params', patch: { model: 'nosuch/model-x' } });
      await harness.command('fail', { client_request_id: 'f3', type: 'user_message', content: 'and now?' });
      const unknown = await events.nextOf('runtime_updated', (e) => e.state === 'error' && e.error !== failed.error);
      assert.match(unknown.error!, /provider 'nosuch' has no chat model 'nosuch\/model-x'/);
      upstream.queue({ kind: 'json', status: 500, body: { error: { message: 'overloaded' } } });
      await harness.command('fail', { client_request_id: 'f4', type: 'set_params', patch: { model: 'scripted/chat-model' } });
      await harness.command('fail', { client_request_id: 'f5', type: 'user_message', content: 'third' });
      const http = await events.nextOf('runtime_updated', (e) => e.state === 'error' && /500/.test(e.error ?? ''));
      assert.match(http.error!, /provider 'scripted' answered 500: overloaded/);
      await harness.command('fail', { client_request_id: 'f6', type: 'user_message', content: 'fourth' });
      const answer = await events.nextOf('message_added', (e) => e.message.role === 'assistant');
      assert.equal(answer.message.content, 'back');
      await events.nextOf('runtime_updated', (e) => e.state === 'idle');
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});

describe('a turn that runs too long', () => {
  it('is stopped at the turn limit with an error that says so, and the upstream socket closes', async () => {
    const upstream = await startScriptedUpstream(() => ({ kind: 'sse-hold', events: [chatDelta({ content: 'still going' })] }));
    const harness = await startChatHarness({ caps: capsWith([scriptedChatModel(upstream.url)]), projectRoot: null, sessions: { turnLimitMs: 50 } });
    try {
      const events = await harness.subscribe('long');
      await harness.command('long', { client_request_id: 'l1', type: 'user_message', content: 'go on forever' });
      const stopped = await events.nextOf('runtime_updated', (e) => e.state === 'error');
      assert.match(stopped.error!, /the turn was stopped after 0.05 seconds/);
      await (await upstream.request(0)).aborted;
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});

describe('the session loop with tools plugged in', () => {
  it('runs the tools an answer calls and asks the model again with their results', async () => {
    const replies: ScriptedReply[] = [
      { kind: 'sse', events: [chatDelta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'cat', arguments: '{"path":"a.py"}' } }] }), chatDelta({}, 'tool_calls')] },
      turn('a.py prints 1'),
    ];
    const upstream = await startScriptedUpstream((r) => (r.body.stream ? replies.shift()! : { kind: 'json', body: chatBody('T') }));
    const ran: string[] = [];
    const tools: ChatTools = {
      definitionsFor: () => [{ type: 'function', function: { name: 'cat', parameters: { type: 'object' } } }],
      afterAnswer: async (state, answer) => {
        for (const call of answer.tool_calls ?? []) {
          ran.push(`${call.function.name} ${call.function.arguments}`);
          state.addMessage({ message_id: `tool-${call.id}`, role: 'tool', tool_call_id: call.id, content: 'print(1)' });
        }
        return 'continue';
      },
      command: async () => 'stop',
    };
    const harness = await startChatHarness({ caps: capsWith([{ ...scriptedChatModel(upstream.url), supports_tools: true }]), projectRoot: null, sessions: { tools } });
    try {
      const events = await harness.subscribe('agent');
      await harness.command('agent', { client_request_id: 'g1', type: 'user_message', content: 'what does a.py do?' });
      await events.nextOf('runtime_updated', (e) => e.state === 'executing_tools');
      const final = await events.nextOf('message_added', (e) => e.message.role === 'assistant');
      assert.equal(final.message.content, 'a.py prints 1');
      await events.nextOf('runtime_updated', (e) => e.state === 'idle');
      assert.deepEqual(ran, ['cat {"path":"a.py"}']);
      const [first, second] = upstream.requests.filter((r) => r.body.stream);
      assert.equal(first!.body.tools[0].function.name, 'cat');
      assert.deepEqual(second!.body.messages.slice(-2), [
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'cat', arguments: '{"path":"a.py"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'print(1)' },
      ]);
      const decided = await harness.command('agent', { client_request_id: 'g2', type: 'tool_decision', tool_call_id: 'call_1', accepted: true });
      assert.equal(decided.status, 202);
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});
