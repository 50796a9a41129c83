/**
 * The pure chat core: content checks, command parsing, the session state machine and its
 * events, tool-call merging, trajectories read back with defaults, and title cleanup.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatEventEnvelope } from '../../src/protocol/chat';
import { parseCommand } from '../../server/core/chat/commands';
import { validateUserContent } from '../../server/core/chat/content';
import { ToolCallMerger } from '../../server/core/chat/delta';
import { ChatSessionState, RECENT_REQUEST_IDS } from '../../server/core/chat/session-state';
import { defaultThread, validateThreadPatch } from '../../server/core/chat/thread';
import { cleanTitle, titleRequest, wantsTitle } from '../../server/core/chat/title';
import { contextFilesText, toOpenAIMessages } from '../../server/core/chat/to-openai';
import { fromTrajectory, isSafeChatId, toTrajectory } from '../../server/core/chat/trajectory';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function session(): { state: ChatSessionState; events: ChatEventEnvelope[] } {
  const events: ChatEventEnvelope[] = [];
  let n = 0;
  const state = new ChatSessionState('c1', { thread: defaultThread('c1'), messages: [] }, (e) => events.push(JSON.parse(JSON.stringify(e))), () => `id${++n}`);
  return { state, events };
}

describe('chat content', () => {
  const cases: Array<[string, unknown, unknown, string | unknown]> = [
    ['plain text', 'hi', [], 'hi'],
    ['one text part collapses to a string', [{ type: 'text', text: 'hi' }], [], 'hi'],
    ['text and image stay parts', [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: PNG } }], [], [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: PNG } }]],
    ['an attachment joins the parts', 'see', [{ image_url: { url: PNG } }], [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: PNG } }]],
    ['jpeg, gif and webp are images too', [{ type: 'image_url', image_url: { url: 'data:image/webp;base64,AAAA' } }], [], [{ type: 'image_url', image_url: { url: 'data:image/webp;base64,AAAA' } }]],
    ['svg is refused', [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,AAAA' } }], [], /base64 data URL/],
    ['bad base64 length', [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } }], [], /not valid base64/],
    ['five images in content and attachments together count', [1, 2, 3].map(() => ({ type: 'image_url', image_url: { url: PNG } })), [1, 2, 3].map(() => ({ image_url: { url: PNG } })), /Too many images/],
    ['null content with nothing else', null, [], /empty/],
    ['attachments not an array', 'x', 'nope', /attachments must be an array/],
    ['an object is not content', { text: 'x' }, [], /must be string or array, got object/],
  ];
  for (const [name, content, attachments, expected] of cases) {
    it(name, () => {
      const check = validateUserContent(content, attachments);
      if (expected instanceof RegExp) {
        assert.equal(check.ok, false);
        assert.match((check as { error: string }).error, expected);
      } else {
        assert.deepEqual(check, { ok: true, content: expected });
      }
    });
  }
});

describe('chat commands', () => {
  it('reads every supported command and refuses the rest with a reason', () => {
    assert.deepEqual(parseCommand({ client_request_id: 'a', type: 'abort' }), { kind: 'ok', request: { client_request_id: 'a', type: 'abort' } });
    const active = parseCommand({ client_request_id: 'b', type: 'user_message', content: 'x', active_file: { file_name: '/p/a.py', line1: 2, line2: 4 } });
    assert.deepEqual(active, { kind: 'ok', request: { client_request_id: 'b', type: 'user_message', content: 'x', active_file: { file_name: '/p/a.py', line1: 2, line2: 4 } } });
    assert.match((parseCommand({ client_request_id: 'c', type: 'user_message', content: 'x', active_file: { file_name: 'a', line1: 0 } }) as { detail: string }).detail, /line1/);
    assert.deepEqual(parseCommand({ client_request_id: 'd', type: 'remove_message', message_id: 'm' }), { kind: 'ok', request: { client_request_id: 'd', type: 'remove_message', message_id: 'm', regenerate: false } });
    assert.deepEqual(parseCommand({ client_request_id: 'e', type: 'tool_decision', tool_call_id: 't1', accepted: true, allow_for_chat: true }), { kind: 'ok', request: { client_request_id: 'e', type: 'tool_decision', tool_call_id: 't1', accepted: true, allow_for_chat: true } });
    assert.deepEqual(parseCommand({ client_request_id: 'f', type: 'tool_decisions', decisions: [{ tool_call_id: 't1', accepted: false }, { tool_call_id: 't2', accepted: true, allow_for_chat: true }] }), { kind: 'ok', request: { client_request_id: 'f', type: 'tool_decisions', decisions: [{ tool_call_id: 't1', accepted: false }, { tool_call_id: 't2', accepted: true, allow_for_chat: true }] } });
    assert.match((parseCommand({ client_request_id: 'g', type: 'tool_decision', tool_call_id: 't1', accepted: true, allow_for_chat: 'yes' }) as { detail: string }).detail, /allow_for_chat/);
    assert.match((parseCommand({ client_request_id: 'h', type: 'tool_decisions', decisions: [{ tool_call_id: 't1', accepted: true, allow_for_chat: 1 }] }) as { detail: string }).detail, /allow_for_chat/);
    assert.equal(parseCommand({ client_request_id: 'e', type: 'retry_from_index', index: 1.5, content: 'x' }).kind, 'malformed');
    assert.deepEqual(parseCommand({ client_request_id: 'f', type: 'user_message', content: [] }), { kind: 'invalid_content', clientRequestId: 'f', error: 'Content array is empty' });
    assert.equal(parseCommand({ client_request_id: 'x'.repeat(201), type: 'abort' }).kind, 'malformed');
    assert.equal(parseCommand('abort').kind, 'malformed');
  });

  it('checks set_params patches field by field', () => {
    assert.deepEqual(validateThreadPatch({ title: 'T', context_tokens_cap: null }), { ok: true, value: { title: 'T', context_tokens_cap: null } });
    for (const [patch, reason] of [
      [{ colour: 'red' }, /unknown field 'colour'/],
      [{ boost_reasoning: 'yes' }, /must be a boolean/],
      [{ context_tokens_cap: 0 }, /positive integer/],
      [{ id: 'other' }, /cannot change the chat id/],
      [null, /patch/],
    ] as Array<[unknown, RegExp]>) {
      const outcome = validateThreadPatch(patch);
      assert.equal(outcome.ok, false);
      assert.match((outcome as { detail: string }).detail, reason);
    }
  });
});

describe('chat session state', () => {
  it('numbers events one by one, and a snapshot shares the last seq and shows the draft', () => {
    const { state, events } = session();
    state.addMessage({ message_id: 'u1', role: 'user', content: 'hi' });
    const draft = state.startStream();
    state.streamDelta([{ op: 'append_content', text: 'Hel' }, { op: 'append_content', text: 'lo' }]);
    const snap = state.snapshotEnvelope();
    assert.deepEqual(events.map((e) => [e.seq, e.type]), [['1', 'message_added'], ['2', 'runtime_updated'], ['3', 'stream_started'], ['4', 'stream_delta']]);
    assert.equal(snap.seq, '4');
    assert.deepEqual((snap as { messages: unknown[] }).messages, [{ message_id: 'u1', role: 'user', content: 'hi' }, { message_id: draft, role: 'assistant', content: 'Hello' }]);
    state.finishStream('stop');
    assert.deepEqual(events.slice(4).map((e) => e.type), ['stream_finished', 'message_added', 'runtime_updated']);
    assert.equal(state.messages.length, 2);
  });

  it('keeps what a failed turn said, drops an empty one, and clears a pause on leaving it', () => {
    const { state, events } = session();
    state.startStream();
    state.streamDelta([{ op: 'append_reasoning', text: 'hmm' }]);
    state.failStream("provider 'p' answered 500: x");
    assert.equal((state.messages[0] as { finish_reason?: string }).finish_reason, 'error');
    state.startStream();
    state.failStream('again');
    assert.equal(state.messages.length, 1);
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['message_removed', 'runtime_updated']);
    assert.deepEqual([state.runtime.state, state.runtime.error], ['error', 'again']);
    state.runtime.pause_reasons.push({ type: 'confirmation', command: 'rm', rule: 'rm*', tool_call_id: 't', integr_config_path: null });
    state.setRuntime('idle');
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['pause_cleared', 'runtime_updated']);
  });

  it('emits thread_updated with only what changed, and title_updated for a new title', () => {
    const { state, events } = session();
    state.patchThread({ title: 'Mine', mode: 'AGENT', model: 'p/m' });
    assert.deepEqual(events.map((e) => e.type), ['thread_updated', 'title_updated']);
    assert.deepEqual(Object.keys(events[0]!).sort(), ['chat_id', 'model', 'seq', 'title', 'type']);
    state.patchThread({ mode: 'AGENT' });
    assert.equal(events.length, 2);
  });

  it('remembers the last 100 request ids', () => {
    const { state } = session();
    for (let i = 0; i <= RECENT_REQUEST_IDS; i++) assert.equal(state.seenRequest(`r${i}`), false);
    assert.equal(state.seenRequest(`r${RECENT_REQUEST_IDS}`), true);
    assert.equal(state.seenRequest('r0'), false, 'the oldest was forgotten');
  });
});

describe('tool-call fragments', () => {
  it('merges indexed fragments and calls without an index or id', () => {
    const indexed = new ToolCallMerger();
    indexed.push([{ index: 0, id: 'a', type: 'function', function: { name: 'cat', arguments: '{"p' } }, { index: 1, id: 'b', function: { name: 'tree', arguments: '{}' } }]);
    indexed.push([{ index: 0, function: { arguments: '":1}' } }]);
    assert.deepEqual(indexed.list(() => 'x').map((c) => [c.id, c.function.name, c.function.arguments]), [['a', 'cat', '{"p":1}'], ['b', 'tree', '{}']]);
    const plain = new ToolCallMerger();
    plain.push([{ function: { name: 'cat', arguments: '{}' } }, { function: { name: 'ls', arguments: '{}' } }]);
    assert.deepEqual(plain.list((i) => `gen${i}`).map((c) => [c.id, c.function.name]), [['gen0', 'cat'], ['gen1', 'ls']]);
    const repeated = new ToolCallMerger();
    repeated.push([{ id: 'z', function: { name: 'cat', arguments: '{"a"' } }]);
    repeated.push([{ id: 'z', function: { name: 'cat', arguments: ':1}' } }]);
    assert.deepEqual(repeated.list(() => '').map((c) => [c.function.name, c.function.arguments]), [['cat', '{"a":1}']]);
  });
});

describe('trajectories, titles and the plain request', () => {
  it('reads a trajectory with defaults and gives messages ids', () => {
    const loaded = fromTrajectory('c', { title: 'T', mode: 'WEIRD', isTitleGenerated: true, context_tokens_cap: 'x', messages: [{ role: 'user', content: 'q' }, { role: 'alien' }] }, () => 'new', 'now')!;
    assert.deepEqual([loaded.thread.title, loaded.thread.mode, loaded.thread.is_title_generated, loaded.thread.context_tokens_cap, loaded.createdAt], ['T', 'AGENT', true, null, 'now']);
    assert.deepEqual(loaded.messages, [{ role: 'user', content: 'q', message_id: 'new' }]);
    assert.equal(fromTrajectory('c', { messages: 'no' }, () => '', ''), null);
    const saved = toTrajectory(loaded.thread, loaded.messages, 'a', 'b');
    assert.deepEqual(fromTrajectory('c', JSON.parse(JSON.stringify(saved)), () => 'other', 'x'), { ...loaded, createdAt: 'a' });
    assert.deepEqual(['abc-1_2.x', '../x', '.hidden', 'a/b', ''].map(isSafeChatId), [true, false, false, false, false]);
  });

  it('asks for a title once there is an answer, and cleans what comes back', () => {
    const messages = [{ message_id: '1', role: 'user' as const, content: 'fix parser.ts' }, { message_id: '2', role: 'assistant' as const, content: 'Done.' }];
    assert.equal(wantsTitle(messages, false, 'New Chat', 'New Chat'), true);
    assert.equal(wantsTitle(messages.slice(0, 1), false, 'New Chat', 'New Chat'), false);
    assert.equal(wantsTitle(messages, false, 'Named', 'New Chat'), false);
    assert.match(titleRequest(messages)[0]!.content as string, /^user: fix parser.ts\nassistant: Done.\n\nSummarize this chat in 2-4 words/);
    assert.deepEqual(['"Parser Fix."', 'Title: **Parser fix**\nmore', '<think>x</think>\n  Parser fix', '   ', 'x'.repeat(80)].map(cleanTitle), ['Parser Fix', 'Parser fix', 'Parser fix', null, `${'x'.repeat(59)}…`]);
  });

  it('turns Refact roles into text the model reads', () => {
    const files = JSON.stringify([{ file_name: 'a.py', file_content: 'x = 1', line1: 3, line2: 3 }]);
    assert.equal(contextFilesText(files), 'a.py:3-3\n```\nx = 1\n```');
    assert.deepEqual(toOpenAIMessages([
      { message_id: '1', role: 'context_file', content: files },
      { message_id: '2', role: 'user', content: 'q' },
      { message_id: '3', role: 'assistant', content: null, reasoning_content: 'secret', tool_calls: [{ id: 't', type: 'function', function: { name: 'cat', arguments: '{}' }, index: 0 }] },
      { message_id: '4', role: 'tool', tool_call_id: 't', content: 'out' },
      { message_id: '5', role: 'diff', tool_call_id: 't', content: '[]' },
    ]), [
      { role: 'user', content: 'a.py:3-3\n```\nx = 1\n```' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'cat', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't', content: 'out' },
    ]);
  });
});
