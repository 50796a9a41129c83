/**
 * One live chat: its state, its subscribers, its command queue and the turn in progress.
 * Commands are answered at once (accepted, duplicate, aborted, queue full, invalid) and run one
 * after another in arrival order; `set_params` and `abort` act immediately, because waiting
 * behind a long answer to stop that answer would defeat them. After each command the chat is
 * saved (coalesced: one write in flight, the latest state wins) and, after its first answer,
 * named by the title model.
 */
import type { ChatActiveFile } from '../../../src/protocol/at-commands';
import type { Checkpoint } from '../../../src/protocol/tools';
import { MAX_CHAT_QUEUE, type ChatCommandRequest, type ChatCommandResponse, type ChatMessage, type UserMessage } from '../../../src/protocol/chat';
import { ChatSessionState } from '../../core/chat/session-state';
import { DEFAULT_TITLE, defaultThread } from '../../core/chat/thread';
import { wantsTitle } from '../../core/chat/title';
import { toTrajectory, type LoadedChat } from '../../core/chat/trajectory';
import type { Logger } from '../logger';
import type { UpstreamClient } from '../upstream/upstream-client';
import { runTurn, TurnLimit, type ToolCommand, type TurnDeps } from './session-loop';
import { SseFanout, sseFrame, type SseOptions, type SseTarget } from './sse-fanout';
import { generateTitle } from './title-generator';
import type { TrajectoriesStore } from './trajectories-store';

export interface ChatSessionDeps extends TurnDeps {
  upstream: UpstreamClient;
  trajectories: TrajectoriesStore | null;
  logger: Logger;
  newId: () => string;
  now: () => string;
  sse: SseOptions;
  maxQueue?: number;
  turnLimitMs: number;
  /** Snapshots the workspace before an agent turn (shadow git); absent without tools. */
  checkpoints?: { create(message: string): Promise<Checkpoint[]> };
}

export type CommandAnswer = { status: number; body: ChatCommandResponse | { detail: string } };

export class ChatSession {
  readonly state: ChatSessionState;
  private readonly fanout: SseFanout;
  private turn: AbortController | null = null;
  private pumping = false;
  private createdAt: string;
  private savedOnce: boolean;
  private savedVersion: number;
  private saving: Promise<void> | null = null;
  private titling = false;
  /** Warnings from expanding the user's message, shown with the next answer. */
  private readonly warnings: string[] = [];
  private readonly life = new AbortController();
  /** This turn's user message while its checkpoint is still to be taken (before the first tool runs). */
  private checkpointFor: UserMessage | null = null;
  /** Resolves when the queue has run empty; tests and shutdown wait on it. */
  private idleWaiters: Array<() => void> = [];

  constructor(chatId: string, loaded: LoadedChat | null, private readonly deps: ChatSessionDeps) {
    this.fanout = new SseFanout(deps.sse);
    const init = loaded ?? { thread: defaultThread(chatId), messages: [] };
    // Each event is serialized once here and the same string goes to every subscriber.
    this.state = new ChatSessionState(chatId, init, (envelope) => this.fanout.broadcast(sseFrame(envelope)), deps.newId);
    this.createdAt = loaded?.createdAt ?? deps.now();
    this.savedOnce = loaded !== null;
    this.savedVersion = this.state.version;
  }

  subscribe(target: SseTarget): () => void {
    const resync = () => sseFrame(this.state.snapshotEnvelope());
    return this.fanout.add(target, resync(), resync);
  }

  get subscriberCount(): number {
    return this.fanout.size;
  }

  get busy(): boolean {
    return this.pumping || this.turn !== null;
  }

  /** Nothing would be lost by dropping it from memory: idle, unwatched, and on disk (or empty). */
  get evictable(): boolean {
    const saved = this.state.messages.length === 0 || (this.deps.trajectories !== null && this.savedVersion === this.state.version && !this.saving);
    return !this.busy && !this.titling && this.fanout.size === 0 && saved;
  }

  command(request: ChatCommandRequest): CommandAnswer {
    const state = this.state;
    const id = request.client_request_id;
    if (state.seenRequest(id)) {
      state.ack(id, true, { duplicate: true });
      return { status: 200, body: { status: 'duplicate' } };
    }
    if (request.type === 'abort') {
      this.turn?.abort();
      state.ack(id, true, { aborted: true });
      return { status: 200, body: { status: 'aborted' } };
    }
    if (state.queue.length >= (this.deps.maxQueue ?? MAX_CHAT_QUEUE)) {
      state.ack(id, false, { error: 'queue full' });
      return { status: 429, body: { status: 'queue_full' } };
    }
    if (isToolCommand(request) && !this.deps.tools) {
      state.ack(id, false, { error: 'no tools' });
      return { status: 400, body: { detail: `command '${request.type}' is not supported: this engine runs no tools yet` } };
    }
    if ((request.type === 'update_message' || request.type === 'remove_message') && !state.messages.some((m) => m.message_id === request.message_id)) {
      state.ack(id, false, { error: `no message '${request.message_id}'` });
      return { status: 404, body: { detail: `chat '${state.chatId}' has no message '${request.message_id}'` } };
    }
    if (request.type === 'retry_from_index' && request.index > state.messages.length) {
      state.ack(id, false, { error: 'index out of range' });
      return { status: 400, body: { detail: `retry_from_index: index ${request.index} is past the chat's ${state.messages.length} messages` } };
    }
    state.ack(id, true, { queued: request.type !== 'set_params' });
    if (request.type === 'set_params') {
      state.patchThread(request.patch);
      this.save();
    } else {
      state.enqueue(request);
      void this.pump();
    }
    return { status: 202, body: { status: 'accepted' } };
  }

  /** Refuses a command that is not well-formed; the `ack` tells subscribers too. */
  refuse(clientRequestId: string, error: string): CommandAnswer {
    this.state.ack(clientRequestId, false, { error });
    return { status: 400, body: { status: 'invalid_content', error, detail: error } };
  }

  /** Resolves once no command is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for the chat's latest state to be on disk. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  async dispose(): Promise<void> {
    this.life.abort();
    this.turn?.abort();
    await this.whenIdle();
    await this.flush();
    await this.fanout.closeAll();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = this.state.dequeue(); next; next = this.state.dequeue()) {
        const turn = new AbortController();
        this.turn = turn;
        // Refact's limit on one turn; the turn ends with an error that says so.
        const limit = setTimeout(() => turn.abort(new TurnLimit(this.deps.turnLimitMs)), this.deps.turnLimitMs);
        try {
          await this.run(next, turn.signal);
        } catch (error) {
          this.deps.logger.error(`chat ${this.state.chatId}: ${next.type} failed: ${(error as Error).stack ?? error}`);
          this.state.setRuntime('error', `internal error: ${(error as Error).message}`);
        } finally {
          clearTimeout(limit);
          this.turn = null;
        }
        this.save();
        this.maybeTitle();
      }
    } finally {
      this.pumping = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async run(request: ChatCommandRequest, signal: AbortSignal): Promise<void> {
    const state = this.state;
    // Only a new user message starts a turn that takes a checkpoint.
    this.checkpointFor = null;
    switch (request.type) {
      case 'user_message':
        await this.addUserMessage(request.content, request.active_file ?? null, signal);
        break;
      case 'retry_from_index':
        state.truncate(request.index);
        await this.addUserMessage(request.content, request.active_file ?? null, signal);
        break;
      case 'update_message': {
        const index = state.messages.findIndex((m) => m.message_id === request.message_id);
        const old = state.messages[index];
        if (!old) return;
        state.updateMessage({ ...old, content: request.content } as ChatMessage);
        if (!request.regenerate) return;
        state.truncate(index + 1);
        break;
      }
      case 'remove_message':
        if (!state.removeMessage(request.message_id) || !request.regenerate) return;
        break;
      case 'tool_decision':
      case 'tool_decisions':
      case 'ide_tool_result':
        if (!this.deps.tools || (await this.deps.tools.command(state, request, signal)) !== 'continue') return;
        break;
      default:
        return;
    }
    if (signal.aborted) return;
    await runTurn(state, this.turnDeps(), signal, this.warnings.splice(0));
  }

  /**
   * The checkpoint is taken when the model first calls tools, just before they run: the
   * workspace is the same as at the user's message, and neither the request to the model nor a
   * turn without tools waits for a snapshot (that cost ~75 ms p50 before the first request on a
   * 300-file workspace when taken at the user's message).
   */
  private turnDeps(): TurnDeps {
    const tools = this.deps.tools;
    if (!tools || !this.checkpointFor) return this.deps;
    return {
      ...this.deps,
      tools: {
        ...tools,
        afterAnswer: async (state, answer, signal) => {
          const message = this.checkpointFor;
          this.checkpointFor = null;
          if (message) await this.takeCheckpoint(message);
          return tools.afterAnswer(state, answer, signal);
        },
      },
    };
  }

  /**
   * A restore of the checkpoints taken before one of this chat's turns: that turn and everything
   * after it leave the chat (the user message too, so it can be sent again), as Refact does.
   * A turn in progress is stopped first. False when no message carries those checkpoints.
   */
  async rollBack(checkpoints: readonly Checkpoint[]): Promise<boolean> {
    const hashes = new Set(checkpoints.map((c) => c.commit_hash));
    const carries = (m: ChatMessage) => m.role === 'user' && (m.checkpoints ?? []).some((c) => hashes.has(c.commit_hash));
    if (!this.state.messages.some(carries)) return false;
    this.turn?.abort();
    await this.whenIdle();
    const index = this.state.messages.findIndex(carries);
    if (index < 0) return false;
    this.state.truncate(index);
    this.save();
    return true;
  }

  private async addUserMessage(content: UserMessage['content'], activeFile: ChatActiveFile | null, signal: AbortSignal): Promise<void> {
    const expanded = await this.deps.turnContext.expandUserMessage(this.state.thread, content, signal, { active_file: activeFile });
    for (const message of expanded.contextMessages) this.state.addMessage({ ...message, message_id: message.message_id || this.deps.newId() });
    const message: UserMessage = { message_id: this.deps.newId(), role: 'user', content };
    this.state.addMessage(message);
    this.warnings.push(...expanded.warnings);
    this.checkpointFor = this.wantsCheckpoint() ? message : null;
  }

  private wantsCheckpoint(): boolean {
    const { thread } = this.state;
    return !!this.deps.checkpoints && !!this.deps.tools && thread.checkpoints_enabled && thread.mode !== 'NO_TOOLS';
  }

  /**
   * The first snapshot of a big workspace takes seconds; the user message is already out, and
   * once taken the checkpoints join it (`message_updated`). A failed snapshot is logged and the
   * turn goes on without one.
   */
  private async takeCheckpoint(message: UserMessage): Promise<void> {
    try {
      const checkpoints = await this.deps.checkpoints!.create(`chat ${this.state.chatId}: before the agent's turn`);
      const current = this.state.messages.find((m) => m.message_id === message.message_id);
      if (current && checkpoints.length > 0) this.state.updateMessage({ ...current, checkpoints } as UserMessage);
    } catch (error) {
      this.deps.logger.warn(`chat ${this.state.chatId}: no checkpoint before this turn: ${(error as Error).message}`);
    }
  }

  /** One write at a time; a change made while writing is written right after. */
  private save(): void {
    const store = this.deps.trajectories;
    if (!store || this.saving || this.state.version === this.savedVersion || this.state.messages.length === 0) return;
    const version = this.state.version;
    const data = toTrajectory({ ...this.state.thread }, [...this.state.messages], this.createdAt, this.deps.now());
    const created = !this.savedOnce;
    this.saving = store.save(data, created).then(
      () => {
        this.savedOnce = true;
        this.savedVersion = version;
      },
      (error: Error) => this.deps.logger.error(`chat ${this.state.chatId}: cannot save trajectory: ${error.message}`),
    ).finally(() => {
      this.saving = null;
      if (this.state.version !== this.savedVersion && this.state.version !== version) this.save();
    });
  }

  private maybeTitle(): void {
    const { thread, messages } = this.state;
    if (this.titling || !wantsTitle(messages, thread.is_title_generated, thread.title, DEFAULT_TITLE)) return;
    this.titling = true;
    void generateTitle([...messages], thread.model, this.deps, this.life.signal).then((title) => {
      // The user may have named the chat meanwhile; their title wins.
      if (title && this.state.thread.title === DEFAULT_TITLE) {
        this.state.setTitle(title, true);
        this.save();
      }
    }).finally(() => (this.titling = false));
  }
}

function isToolCommand(request: ChatCommandRequest): request is ToolCommand {
  return request.type === 'tool_decision' || request.type === 'tool_decisions' || request.type === 'ide_tool_result';
}
