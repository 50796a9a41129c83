/**
 * One chat as signals, fed by the engine's event stream. Events apply strictly in `seq` order on
 * top of the last snapshot; a gap (a lost frame) or a dropped stream throws the local copy away
 * and resubscribes, and the engine's fresh snapshot becomes the truth again. Components only read
 * these signals and call `send` / `stop`.
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type {
  AssistantMessage, ChatEvent, ChatEventEnvelope, ChatMessage, ChatThread, RuntimeState,
} from '../../src/protocol/chat';
// The engine's own delta rules, so the draft here and the engine's draft cannot disagree.
import { applyDeltaOps } from '../../server/core/chat/delta';
import type { Bridge, ChatStream } from '../bridge/types';

/** A message with its own signal, so a streamed delta re-renders that message only. */
export interface MessageCell {
  id: string;
  message: Signal<ChatMessage>;
  streaming: Signal<boolean>;
}

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface ChatModelOptions {
  /** Waits before resubscribing after a dropped stream; tests pass one they control. */
  wait?: (ms: number) => Promise<void>;
}

export interface ChatModel {
  chatId: string;
  cells: ReadonlySignal<MessageCell[]>;
  thread: ReadonlySignal<ChatThread | null>;
  runtime: ReadonlySignal<RuntimeState | null>;
  connection: ReadonlySignal<Connection>;
  /** The last problem worth showing inline (a refused command, a failed turn). */
  notice: ReadonlySignal<string | null>;
  /** A turn is running: the composer shows Stop. */
  busy: ReadonlySignal<boolean>;
  /** How many times the model resubscribed (gap or drop); shown in the status line. */
  resyncs: ReadonlySignal<number>;
  send(text: string): Promise<void>;
  stop(): Promise<void>;
  dispose(): void;
}

const BACKOFF_MS = [0, 250, 500, 1000, 2000, 5000];

function newCell(message: ChatMessage, streaming = false): MessageCell {
  return { id: message.message_id, message: signal(message), streaming: signal(streaming) };
}

function detailOf(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as { detail?: unknown; error?: unknown };
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.error === 'string') return b.error;
  }
  return `the engine answered ${status}`;
}

export function createChatModel(bridge: Bridge, chatId: string, options: ChatModelOptions = {}): ChatModel {
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const cells = signal<MessageCell[]>([]);
  const thread = signal<ChatThread | null>(null);
  const runtime = signal<RuntimeState | null>(null);
  const connection = signal<Connection>('connecting');
  const notice = signal<string | null>(null);
  const resyncs = signal(0);
  const busy = computed(() => runtime.value?.state === 'generating' || runtime.value?.state === 'executing_tools');
  let stream: ChatStream | null = null;
  let generation = 0;
  let lastSeq: bigint | null = null;
  let drops = 0;
  let disposed = false;

  const cellOf = (id: string) => cells.value.find((c) => c.id === id);

  function open(): void {
    const mine = ++generation;
    lastSeq = null;
    stream = bridge.engine.subscribe(chatId, {
      onFrame: (envelope) => {
        if (mine === generation) receive(envelope);
      },
      onClosed: (reason) => {
        if (mine === generation) void dropped(reason);
      },
    });
  }

  function resync(): void {
    stream?.close();
    stream = null;
    resyncs.value += 1;
    connection.value = 'reconnecting';
    open();
  }

  async function dropped(reason: string): Promise<void> {
    if (disposed) return;
    stream = null;
    generation += 1;
    connection.value = 'reconnecting';
    notice.value = `${reason}; reconnecting`;
    await wait(BACKOFF_MS[Math.min(drops, BACKOFF_MS.length - 1)]!);
    drops += 1;
    if (disposed) return;
    resyncs.value += 1;
    open();
  }

  function receive(envelope: ChatEventEnvelope): void {
    const seq = BigInt(envelope.seq);
    if (envelope.type === 'snapshot') {
      batch(() => {
        thread.value = envelope.thread;
        runtime.value = envelope.runtime;
        cells.value = envelope.messages.map((m) => newCell(m));
        connection.value = 'live';
        if (notice.value?.endsWith('reconnecting')) notice.value = null;
      });
      lastSeq = seq;
      drops = 0;
      return;
    }
    // Before the snapshot there is nothing to apply an event to; a frame already seen is skipped.
    if (lastSeq === null || seq <= lastSeq) return;
    if (seq !== lastSeq + 1n) {
      resync();
      return;
    }
    lastSeq = seq;
    batch(() => applyEvent(envelope));
  }

  function applyEvent(event: ChatEvent): void {
    switch (event.type) {
      case 'thread_updated': {
        const { type: _t, chat_id: _c, seq: _s, ...patch } = event as ChatEvent & { chat_id?: string; seq?: string };
        if (thread.value) thread.value = { ...thread.value, ...(patch as Partial<ChatThread>) };
        break;
      }
      case 'title_updated':
        if (thread.value) thread.value = { ...thread.value, title: event.title, is_title_generated: event.is_generated };
        break;
      case 'runtime_updated': {
        const before = runtime.value ?? { pause_reasons: [] };
        runtime.value = { ...before, state: event.state, paused: event.paused, error: event.error, queue_size: event.queue_size };
        if (event.error) notice.value = event.error;
        break;
      }
      case 'message_added': {
        const existing = cellOf(event.message.message_id);
        if (existing) {
          existing.message.value = event.message;
          existing.streaming.value = false;
        } else {
          const next = [...cells.value];
          next.splice(Math.min(event.index, next.length), 0, newCell(event.message));
          cells.value = next;
        }
        break;
      }
      case 'message_updated': {
        const cell = cellOf(event.message_id);
        if (cell) cell.message.value = event.message;
        break;
      }
      case 'message_removed':
        cells.value = cells.value.filter((c) => c.id !== event.message_id);
        break;
      case 'messages_truncated':
        cells.value = cells.value.slice(0, event.from_index);
        break;
      case 'stream_started':
        if (!cellOf(event.message_id)) cells.value = [...cells.value, newCell({ message_id: event.message_id, role: 'assistant', content: null }, true)];
        break;
      case 'stream_delta': {
        const cell = cellOf(event.message_id);
        if (!cell || cell.message.value.role !== 'assistant') break;
        const draft: AssistantMessage = { ...cell.message.value };
        applyDeltaOps(draft, event.ops);
        cell.message.value = draft;
        break;
      }
      case 'stream_finished': {
        const cell = cellOf(event.message_id);
        if (!cell) break;
        cell.streaming.value = false;
        if (cell.message.value.role === 'assistant') cell.message.value = { ...cell.message.value, finish_reason: event.finish_reason as AssistantMessage['finish_reason'] };
        break;
      }
      case 'pause_required':
        if (runtime.value) runtime.value = { ...runtime.value, paused: true, pause_reasons: event.reasons };
        break;
      case 'pause_cleared':
        if (runtime.value) runtime.value = { ...runtime.value, paused: false, pause_reasons: [] };
        break;
      case 'ack':
        if (!event.accepted) notice.value = `the engine refused the command: ${JSON.stringify(event.result)}`;
        break;
      default:
        // Tool, IDE and subchat events belong to later slices of the UI.
        break;
    }
  }

  async function command(request: Parameters<Bridge['engine']['command']>[1]): Promise<void> {
    try {
      const answer = await bridge.engine.command(chatId, request);
      if (answer.status >= 400) notice.value = detailOf(answer.body, answer.status);
    } catch (error) {
      notice.value = `could not reach the engine: ${(error as Error).message}`;
    }
  }

  open();
  return {
    chatId,
    cells,
    thread,
    runtime,
    connection,
    notice,
    busy,
    resyncs,
    async send(text) {
      if (!text.trim()) return;
      notice.value = null;
      await command({ client_request_id: bridge.newId(), type: 'user_message', content: text });
    },
    async stop() {
      await command({ client_request_id: bridge.newId(), type: 'abort' });
    },
    dispose() {
      disposed = true;
      generation += 1;
      connection.value = 'closed';
      stream?.close();
      stream = null;
    },
  };
}
