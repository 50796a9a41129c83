/**
 * Every live chat of the engine, by id. A chat comes to life on its first subscribe or command,
 * loaded from its trajectory when one is saved, so a restarted engine continues where it left.
 * Two requests for a new chat at the same moment share one load.
 */
import { randomUUID } from 'node:crypto';
import { isSafeChatId } from '../../core/chat/trajectory';
import type { CapsResult } from '../caps-service';
import type { Logger } from '../logger';
import type { UpstreamClient } from '../upstream/upstream-client';
import { ChatSession, type ChatSessionDeps } from './chat-session';
import type { Checkpoint } from '../../../src/protocol/tools';
import type { ChatTools } from './session-loop';
import { DEFAULT_SSE_OPTIONS, type SseOptions } from './sse-fanout';
import type { TrajectoriesStore } from './trajectories-store';
import { passThroughTurnContext, type TurnContext } from './turn-context-contract';

export interface ChatSessionsOptions {
  caps: { getCaps(): Promise<CapsResult> };
  upstream: UpstreamClient;
  trajectories: TrajectoriesStore | null;
  logger: Logger;
  turnContext?: TurnContext;
  sse?: Partial<SseOptions>;
  maxQueue?: number;
  /** Chats kept in memory before idle, saved, unwatched ones are dropped (they reload from disk). */
  maxLiveChats?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  onRequestSent?: () => void;
  /** The longest one turn may run (Refact: 15 minutes). */
  turnLimitMs?: number;
  /** The agent's tools (next issue); without them chats offer the model no tools. */
  tools?: ChatTools;
  /** Workspace snapshots before each agent turn (with `thread.checkpoints_enabled`). */
  checkpoints?: { create(message: string): Promise<Checkpoint[]> };
}

/** Refact's stream idle limit; also the wait for a slow local model's first token. */
const STREAM_TIMEOUT_MS = 120_000;
const MAX_LIVE_CHATS = 64;
const TURN_LIMIT_MS = 15 * 60_000;

export class ChatSessions {
  private readonly sessions = new Map<string, Promise<ChatSession>>();
  /** The same chats once loaded, oldest first, for eviction. */
  private readonly live = new Map<string, ChatSession>();
  private readonly deps: ChatSessionDeps;
  private readonly maxLive: number;
  private closing = false;

  constructor(options: ChatSessionsOptions) {
    this.deps = {
      caps: options.caps,
      upstream: options.upstream,
      trajectories: options.trajectories,
      logger: options.logger,
      turnContext: options.turnContext ?? passThroughTurnContext,
      firstByteTimeoutMs: options.firstByteTimeoutMs ?? STREAM_TIMEOUT_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? STREAM_TIMEOUT_MS,
      onRequestSent: options.onRequestSent,
      tools: options.tools,
      checkpoints: options.checkpoints,
      newId: randomUUID,
      now: () => new Date().toISOString(),
      sse: { ...DEFAULT_SSE_OPTIONS, ...options.sse },
      maxQueue: options.maxQueue,
      turnLimitMs: options.turnLimitMs ?? TURN_LIMIT_MS,
    };
    this.maxLive = options.maxLiveChats ?? MAX_LIVE_CHATS;
  }

  /** The chat, loaded or created; null for an id that cannot be a file name or after shutdown. */
  get(chatId: string): Promise<ChatSession> | null {
    if (this.closing || !isSafeChatId(chatId)) return null;
    let session = this.sessions.get(chatId);
    if (!session) {
      this.evict();
      const store = this.deps.trajectories;
      session = (store ? store.load(chatId) : Promise.resolve(null)).then((loaded) => {
        const created = new ChatSession(chatId, loaded, this.deps);
        this.live.set(chatId, created);
        return created;
      });
      this.sessions.set(chatId, session);
    }
    return session;
  }

  /** Keeps memory bounded: the oldest chats that can be reloaded from disk leave first. */
  private evict(): void {
    for (const [id, session] of this.live) {
      if (this.sessions.size < this.maxLive) return;
      if (!session.evictable) continue;
      this.live.delete(id);
      this.sessions.delete(id);
      void session.dispose();
    }
  }

  /** After a checkpoint restore: the chat that took those checkpoints is truncated at that turn. */
  async restored(chatId: string, checkpoints: readonly Checkpoint[]): Promise<boolean> {
    const session = this.get(chatId);
    return session ? (await session).rollBack(checkpoints) : false;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Stops every turn, saves every chat and closes every stream. */
  async dispose(): Promise<void> {
    this.closing = true;
    const all = await Promise.all(this.sessions.values());
    await Promise.all(all.map((s) => s.dispose()));
  }
}
