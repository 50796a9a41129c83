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
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  onRequestSent?: () => void;
  /** The agent's tools (next issue); without them chats offer the model no tools. */
  tools?: ChatTools;
}

/** Refact's stream idle limit; also the wait for a slow local model's first token. */
const STREAM_TIMEOUT_MS = 120_000;

export class ChatSessions {
  private readonly sessions = new Map<string, Promise<ChatSession>>();
  private readonly deps: ChatSessionDeps;
  private closed = false;

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
      newId: randomUUID,
      now: () => new Date().toISOString(),
      sse: { ...DEFAULT_SSE_OPTIONS, ...options.sse },
      maxQueue: options.maxQueue,
    };
  }

  /** The chat, loaded or created; null for an id that cannot be a file name or after shutdown. */
  get(chatId: string): Promise<ChatSession> | null {
    if (this.closed || !isSafeChatId(chatId)) return null;
    let session = this.sessions.get(chatId);
    if (!session) {
      const store = this.deps.trajectories;
      session = (store ? store.load(chatId) : Promise.resolve(null)).then((loaded) => new ChatSession(chatId, loaded, this.deps));
      this.sessions.set(chatId, session);
    }
    return session;
  }

  /** Stops every turn, saves every chat and closes every stream. */
  async dispose(): Promise<void> {
    this.closed = true;
    const all = await Promise.all(this.sessions.values());
    await Promise.all(all.map((s) => s.dispose()));
  }
}
