/**
 * One chat's state and the events that describe every change to it. Each mutation emits its
 * event through the sink with the next `seq`, so the event log and the state cannot drift
 * apart; a snapshot carries the `seq` of the last event it includes. Pure: ids come from an
 * injected generator, the clock and sockets live in the services.
 *
 * The streaming draft is not in `messages` until it finishes (Refact's order: `stream_started`,
 * deltas, `stream_finished`, then `message_added`), but a snapshot taken mid-stream shows it, so
 * a client that reconnects sees the text so far.
 */
import type {
  AssistantMessage, ChatCommandRequest, ChatEvent, ChatEventEnvelope, ChatMessage, ChatSnapshotEvent,
  ChatThread, DeltaOp, RuntimeState, SessionState as RuntimeName,
} from '../../../src/protocol/chat';
import { applyDeltaOps } from './delta';

export type EventSink = (envelope: ChatEventEnvelope) => void;

/** How many `client_request_id`s a chat remembers for de-duplication (Refact's number). */
export const RECENT_REQUEST_IDS = 100;

export interface SessionInit {
  thread: ChatThread;
  messages: ChatMessage[];
}

export class ChatSessionState {
  thread: ChatThread;
  messages: ChatMessage[];
  readonly runtime: RuntimeState = { state: 'idle', paused: false, error: null, queue_size: 0, pause_reasons: [] };
  readonly queue: ChatCommandRequest[] = [];
  /** Rises with every change worth saving; the trajectory store compares it to what it saved. */
  version = 0;
  private seq = 0;
  private draft: AssistantMessage | null = null;
  private readonly recentIds: string[] = [];

  constructor(
    readonly chatId: string,
    init: SessionInit,
    private readonly sink: EventSink,
    private readonly newId: () => string,
  ) {
    this.thread = init.thread;
    this.messages = init.messages;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The text the model has streamed so far in this answer. */
  get draftContent(): string | null {
    return this.draft?.content ?? null;
  }

  get draftId(): string | null {
    return this.draft?.message_id ?? null;
  }

  emit(event: ChatEvent): void {
    this.seq += 1;
    this.sink({ chat_id: this.chatId, seq: String(this.seq), ...event } as ChatEventEnvelope);
  }

  snapshot(): ChatSnapshotEvent {
    const messages = this.draft ? [...this.messages, { ...this.draft }] : [...this.messages];
    return { type: 'snapshot', thread: { ...this.thread }, runtime: { ...this.runtime, pause_reasons: [...this.runtime.pause_reasons] }, messages };
  }

  /** The snapshot as a frame: it shares the `seq` of the last event, so the next event is `seq + 1`. */
  snapshotEnvelope(): ChatEventEnvelope {
    return { chat_id: this.chatId, seq: String(this.seq), ...this.snapshot() };
  }

  /** True when the id was seen before; otherwise remembers it (the oldest is forgotten first). */
  seenRequest(id: string): boolean {
    if (this.recentIds.includes(id)) return true;
    if (this.recentIds.length >= RECENT_REQUEST_IDS) this.recentIds.shift();
    this.recentIds.push(id);
    return false;
  }

  ack(clientRequestId: string, accepted: boolean, result: unknown): void {
    this.emit({ type: 'ack', client_request_id: clientRequestId, accepted, result });
  }

  enqueue(request: ChatCommandRequest): void {
    this.queue.push(request);
    this.runtime.queue_size = this.queue.length;
  }

  dequeue(): ChatCommandRequest | undefined {
    const next = this.queue.shift();
    this.runtime.queue_size = this.queue.length;
    return next;
  }

  addMessage(message: ChatMessage, index = this.messages.length): void {
    this.messages.splice(index, 0, message);
    this.emit({ type: 'message_added', message, index });
    this.version += 1;
  }

  updateMessage(message: ChatMessage): boolean {
    const index = this.messages.findIndex((m) => m.message_id === message.message_id);
    if (index < 0) return false;
    this.messages[index] = message;
    this.emit({ type: 'message_updated', message_id: message.message_id, message });
    this.version += 1;
    return true;
  }

  removeMessage(messageId: string): boolean {
    const index = this.messages.findIndex((m) => m.message_id === messageId);
    if (index < 0) return false;
    this.messages.splice(index, 1);
    this.emit({ type: 'message_removed', message_id: messageId });
    this.version += 1;
    return true;
  }

  truncate(fromIndex: number): void {
    if (fromIndex >= this.messages.length) return;
    this.messages.length = fromIndex;
    this.emit({ type: 'messages_truncated', from_index: fromIndex });
    this.version += 1;
  }

  setRuntime(state: RuntimeName, error: string | null = null): void {
    const hadPause = this.runtime.paused || this.runtime.pause_reasons.length > 0;
    this.runtime.state = state;
    this.runtime.paused = state === 'paused';
    this.runtime.error = error;
    this.runtime.queue_size = this.queue.length;
    if (state !== 'paused' && hadPause) {
      this.runtime.pause_reasons = [];
      this.emit({ type: 'pause_cleared' });
    }
    this.emit({ type: 'runtime_updated', state, paused: this.runtime.paused, error, queue_size: this.runtime.queue_size });
  }

  patchThread(patch: Partial<Omit<ChatThread, 'id'>>): void {
    const changed = Object.fromEntries(Object.entries(patch).filter(([key, value]) => this.thread[key as keyof ChatThread] !== value));
    if (Object.keys(changed).length === 0) return;
    Object.assign(this.thread, changed);
    this.emit({ type: 'thread_updated', ...changed });
    if ('title' in changed) this.emit({ type: 'title_updated', title: this.thread.title, is_generated: this.thread.is_title_generated });
    this.version += 1;
  }

  setTitle(title: string, isGenerated: boolean): void {
    this.thread.title = title;
    this.thread.is_title_generated = isGenerated;
    this.emit({ type: 'title_updated', title, is_generated: isGenerated });
    this.version += 1;
  }

  /** Starts the assistant's draft: `runtime_updated {generating}`, then `stream_started`. */
  startStream(): string {
    const messageId = this.newId();
    this.draft = { message_id: messageId, role: 'assistant', content: null };
    this.setRuntime('generating');
    this.emit({ type: 'stream_started', message_id: messageId });
    return messageId;
  }

  streamDelta(ops: DeltaOp[]): void {
    if (!this.draft || ops.length === 0) return;
    applyDeltaOps(this.draft, ops);
    this.emit({ type: 'stream_delta', message_id: this.draft.message_id, ops });
  }

  /** The draft becomes a message: `stream_finished`, `message_added`, then the next state. */
  finishStream(finishReason: string | null, next: RuntimeName = 'idle'): AssistantMessage | null {
    const draft = this.takeDraft();
    if (draft) {
      this.emit({ type: 'stream_finished', message_id: draft.message_id, finish_reason: finishReason });
      draft.finish_reason = finishReason as AssistantMessage['finish_reason'];
      this.addMessage(draft);
    }
    this.setRuntime(next);
    return draft;
  }

  /**
   * A failed turn keeps what the model had said (marked `error`) and drops an empty draft;
   * the chat goes to state `error` with the reason, and the next command starts afresh.
   */
  failStream(error: string): void {
    const draft = this.takeDraft();
    if (draft && hasSubstance(draft)) {
      this.emit({ type: 'stream_finished', message_id: draft.message_id, finish_reason: 'error' });
      draft.finish_reason = 'error';
      this.addMessage(draft);
    } else if (draft) {
      this.emit({ type: 'message_removed', message_id: draft.message_id });
    }
    this.setRuntime('error', error);
  }

  /** The user stopped the turn: the draft is dropped, as Refact does, and the chat is idle. */
  abortStream(): void {
    const draft = this.takeDraft();
    if (draft) {
      this.emit({ type: 'stream_finished', message_id: draft.message_id, finish_reason: 'abort' });
      this.emit({ type: 'message_removed', message_id: draft.message_id });
    }
    this.setRuntime('idle');
  }

  private takeDraft(): AssistantMessage | null {
    const draft = this.draft;
    this.draft = null;
    return draft;
  }
}

function hasSubstance(draft: AssistantMessage): boolean {
  return !!draft.content || !!draft.reasoning_content || (draft.tool_calls?.length ?? 0) > 0 || !!draft.usage;
}
