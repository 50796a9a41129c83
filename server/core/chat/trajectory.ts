/**
 * A chat as saved in `<project>/.refact/trajectories/<chat_id>.json`, in Refact's format (so
 * either engine reads the other's files), and back. Reading is forgiving: a field missing or of
 * the wrong type takes its default, messages without an id get one, and a file that is not a
 * trajectory at all is refused rather than half-loaded.
 */
import { CHAT_ROLES, type ChatMessage, type ChatThread, type TrajectoryData, type TrajectoryMeta } from '../../../src/protocol/chat';
import { defaultThread, readMode } from './thread';

export interface LoadedChat {
  thread: ChatThread;
  messages: ChatMessage[];
  createdAt: string;
}

export function toTrajectory(thread: ChatThread, messages: ChatMessage[], createdAt: string, updatedAt: string): TrajectoryData {
  return {
    id: thread.id,
    title: thread.title,
    created_at: createdAt,
    updated_at: updatedAt,
    model: thread.model,
    mode: thread.mode,
    tool_use: thread.tool_use,
    messages,
    boost_reasoning: thread.boost_reasoning,
    context_tokens_cap: thread.context_tokens_cap,
    include_project_info: thread.include_project_info,
    checkpoints_enabled: thread.checkpoints_enabled,
    use_compression: thread.use_compression,
    isTitleGenerated: thread.is_title_generated,
  };
}

export function fromTrajectory(chatId: string, data: unknown, newId: () => string, now: string): LoadedChat | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const t = data as Record<string, unknown>;
  if (!Array.isArray(t.messages)) return null;
  const base = defaultThread(chatId);
  const str = (key: string, fallback: string) => (typeof t[key] === 'string' ? (t[key] as string) : fallback);
  const bool = (key: string, fallback: boolean) => (typeof t[key] === 'boolean' ? (t[key] as boolean) : fallback);
  const cap = t.context_tokens_cap;
  const thread: ChatThread = {
    id: chatId,
    title: str('title', base.title),
    model: str('model', base.model),
    mode: readMode(t.mode),
    tool_use: str('tool_use', base.tool_use),
    boost_reasoning: bool('boost_reasoning', base.boost_reasoning),
    context_tokens_cap: Number.isInteger(cap) && (cap as number) > 0 ? (cap as number) : null,
    include_project_info: bool('include_project_info', base.include_project_info),
    checkpoints_enabled: bool('checkpoints_enabled', base.checkpoints_enabled),
    use_compression: bool('use_compression', base.use_compression),
    is_title_generated: bool('isTitleGenerated', bool('is_title_generated', base.is_title_generated)),
  };
  const messages = t.messages.filter(isMessageLike).map((m) => ({ ...m, message_id: typeof m.message_id === 'string' && m.message_id ? m.message_id : newId() }) as ChatMessage);
  return { thread, messages, createdAt: str('created_at', now) };
}

export function trajectoryMeta(data: TrajectoryData): TrajectoryMeta {
  return { id: data.id, title: data.title, created_at: data.created_at, updated_at: data.updated_at, model: data.model, mode: data.mode, message_count: data.messages.length };
}

function isMessageLike(m: unknown): m is Record<string, unknown> & { message_id?: unknown } {
  return typeof m === 'object' && m !== null && (CHAT_ROLES as readonly unknown[]).includes((m as { role?: unknown }).role);
}

/** Chat ids become file names: letters, digits, `-`, `_`, `.` only, and never a dot path. */
export function isSafeChatId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/.test(id) && !id.includes('..');
}
