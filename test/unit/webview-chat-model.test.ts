/**
 * The chat UI's model with a fake bridge: a scripted event stream and recorded commands. Events
 * apply in `seq` order, streamed deltas grow the draft, a `seq` gap or a dropped stream makes the
 * model resubscribe and take the new snapshot as the truth, and a refused command shows why.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCommandRequest, ChatEvent, ChatMessage, ChatSnapshotEvent } from '../../src/protocol/chat';
import type { Bridge, ChatStreamHandlers, CommandAnswer } from '../../webview/bridge/types';
import { createChatModel } from '../../webview/models/chat-model';

const thread = {
  id: 'c1', title: 'New Chat', model: '', mode: 'AGENT', tool_use: 'agent', boost_reasoning: false, context_tokens_cap: null,
  include_project_info: true, checkpoints_enabled: true, use_compression: false, is_title_generated: false,
} as const;
const idle = { state: 'idle', paused: false, error: null, queue_size: 0, pause_reasons: [] } as const;

function snapshot(messages: ChatMessage[]): ChatSnapshotEvent {
  return { type: 'snapshot', thread: { ...thread }, runtime: { ...idle, pause_reasons: [] }, messages };
}

function fakeBridge(answer: (request: ChatCommandRequest) => CommandAnswer = () => ({ status: 202, body: { status: 'accepted' } })) {
  const streams: Array<{ handlers: ChatStreamHandlers; closed: boolean }> = [];
  const commands: ChatCommandRequest[] = [];
  let subscribed: Array<() => void> = [];
  let ids = 0;
  const bridge: Bridge = {
    engineBaseUrl: 'http://127.0.0.1:1',
    ide: { kind: 'browser', copy: async () => undefined, saveFile: () => undefined },
    newId: () => `r${++ids}`,
    engine: {
      subscribe(_chatId, handlers) {
        const stream = { handlers, closed: false };
        streams.push(stream);
        for (const wake of subscribed) wake();
        subscribed = [];
        return { close: () => void (stream.closed = true) };
      },
      async command(_chatId, request) {
        commands.push(request);
        return answer(request);
      },
    },
  };
  const current = () => streams[streams.length - 1]!;
  const emit = (seq: number, event: ChatEvent) => current().handlers.onFrame({ chat_id: 'c1', seq: String(seq), ...event });
  /** Resolves when the model opens its next subscription. */
  const nextSubscribe = () => new Promise<void>((resolve) => subscribed.push(resolve));
  return { bridge, streams, commands, emit, current, nextSubscribe };
}

const contents = (model: ReturnType<typeof createChatModel>) => model.cells.value.map((c) => [c.message.value.role, c.message.value.content]);

describe('webview chat model', () => {
  it('applies the snapshot, then events in seq order, and streamed deltas append to the draft', () => {
    const fake = fakeBridge();
    const model = createChatModel(fake.bridge, 'c1');
    assert.equal(model.connection.value, 'connecting');
    fake.emit(4, snapshot([{ message_id: 'u1', role: 'user', content: 'hi' }]));
    assert.equal(model.connection.value, 'live');
    fake.emit(5, { type: 'runtime_updated', state: 'generating', paused: false, error: null, queue_size: 0 });
    assert.equal(model.busy.value, true);
    fake.emit(6, { type: 'stream_started', message_id: 'a1' });
    fake.emit(7, { type: 'stream_delta', message_id: 'a1', ops: [{ op: 'append_reasoning', text: 'think' }, { op: 'append_content', text: 'Hel' }] });
    const draft = model.cells.value[1]!;
    assert.equal(draft.streaming.value, true);
    fake.emit(8, { type: 'stream_delta', message_id: 'a1', ops: [{ op: 'append_content', text: 'lo **there**' }] });
    assert.deepEqual(contents(model), [['user', 'hi'], ['assistant', 'Hello **there**']]);
    assert.equal((draft.message.value as { reasoning_content?: string }).reasoning_content, 'think');
    fake.emit(9, { type: 'stream_finished', message_id: 'a1', finish_reason: 'stop' });
    fake.emit(10, { type: 'message_added', index: 1, message: { message_id: 'a1', role: 'assistant', content: 'Hello **there**', finish_reason: 'stop' } });
    fake.emit(11, { type: 'runtime_updated', state: 'idle', paused: false, error: null, queue_size: 0 });
    fake.emit(12, { type: 'title_updated', title: 'Greeting', is_generated: true });
    assert.equal(model.cells.value.length, 2, 'the finished draft is the added message, not a second one');
    assert.equal(draft.streaming.value, false);
    assert.equal(model.busy.value, false);
    assert.equal(model.thread.value?.title, 'Greeting');
    // A frame seen before (seq not above the last) changes nothing.
    fake.emit(8, { type: 'stream_delta', message_id: 'a1', ops: [{ op: 'append_content', text: 'again' }] });
    assert.deepEqual(contents(model), [['user', 'hi'], ['assistant', 'Hello **there**']]);
    assert.equal(fake.streams.length, 1);
    model.dispose();
  });

  it('resubscribes on a seq gap, ignores the old stream, and takes the fresh snapshot', () => {
    const fake = fakeBridge();
    const model = createChatModel(fake.bridge, 'c1');
    fake.emit(0, snapshot([]));
    fake.emit(1, { type: 'stream_started', message_id: 'a1' });
    const first = fake.current();
    fake.emit(3, { type: 'stream_delta', message_id: 'a1', ops: [{ op: 'append_content', text: 'lost frame before me' }] });
    assert.equal(fake.streams.length, 2, 'a gap opens a new subscription');
    assert.equal(first.closed, true);
    assert.equal(model.connection.value, 'reconnecting');
    assert.equal(model.resyncs.value, 1);
    first.handlers.onFrame({ chat_id: 'c1', seq: '4', type: 'message_removed', message_id: 'a1' });
    fake.emit(3, snapshot([{ message_id: 'a1', role: 'assistant', content: 'The draft so far' }]));
    fake.emit(4, { type: 'stream_delta', message_id: 'a1', ops: [{ op: 'append_content', text: ', and more' }] });
    assert.deepEqual(contents(model), [['assistant', 'The draft so far, and more']]);
    assert.equal(model.connection.value, 'live');
    model.dispose();
  });

  it('resubscribes after a dropped stream, waiting as told, and shows why meanwhile', async () => {
    const fake = fakeBridge();
    const waits: number[] = [];
    let release!: () => void;
    const model = createChatModel(fake.bridge, 'c1', { wait: (ms) => (waits.push(ms), new Promise<void>((resolve) => (release = resolve))) });
    fake.emit(0, snapshot([{ message_id: 'u1', role: 'user', content: 'hi' }]));
    fake.current().handlers.onClosed('the event stream from the engine broke');
    assert.equal(model.connection.value, 'reconnecting');
    assert.match(model.notice.value ?? '', /broke; reconnecting/);
    assert.equal(fake.streams.length, 1, 'waits before resubscribing');
    const resubscribed = fake.nextSubscribe();
    release();
    await resubscribed;
    assert.equal(fake.streams.length, 2);
    fake.emit(7, snapshot([{ message_id: 'u1', role: 'user', content: 'hi' }, { message_id: 'a1', role: 'assistant', content: 'done' }]));
    assert.deepEqual(contents(model), [['user', 'hi'], ['assistant', 'done']]);
    assert.equal(model.notice.value, null);
    assert.deepEqual(waits, [0]);
    model.dispose();
  });

  it('sends user_message and abort commands, and shows a 4xx detail inline', async () => {
    const fake = fakeBridge((request) => (request.type === 'abort' ? { status: 400, body: { detail: 'nothing to abort' } } : { status: 202, body: { status: 'accepted' } }));
    const model = createChatModel(fake.bridge, 'c1');
    await model.send('   ');
    assert.equal(fake.commands.length, 0, 'blank text is not sent');
    await model.send('Explain this');
    assert.deepEqual(fake.commands[0], { client_request_id: 'r1', type: 'user_message', content: 'Explain this' });
    assert.equal(model.notice.value, null);
    await model.stop();
    assert.deepEqual(fake.commands[1], { client_request_id: 'r2', type: 'abort' });
    assert.equal(model.notice.value, 'nothing to abort');
    model.dispose();
  });
});
