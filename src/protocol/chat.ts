/**
 * Refact's chat-session API (`/v1/chats/subscribe`, `/v1/chats/{id}/commands`), trajectories
 * and chat telemetry: the thread, its runtime state, its messages, every SSE event and every
 * command. Field names and values are Refact's (engine `src/chat/types.rs`, GUI
 * `chatSubscription.ts`), so Refact's GUI and ours read the same stream.
 */
import type { ChatActiveFile } from './at-commands';
import type { ChatMessage as OpenAIWireMessage } from './openai';
import type { Checkpoint } from './tools';

export const ChatRoutes = {
  subscribe: '/v1/chats/subscribe',
  commands: '/v1/chats/:chat_id/commands',
  trajectories: '/v1/trajectories',
  trajectoriesSubscribe: '/v1/trajectories/subscribe',
  trajectory: '/v1/trajectories/:id',
  telemetryChat: '/v1/telemetry-chat',
  telemetryNetwork: '/v1/telemetry-network',
} as const;

// ---- thread and runtime ----

export const CHAT_MODES = ['NO_TOOLS', 'EXPLORE', 'AGENT', 'CONFIGURE', 'PROJECT_SUMMARY'] as const;
export type ChatMode = (typeof CHAT_MODES)[number];

/** A chat's parameters (Refact's `ThreadParams`); `set_params` patches them. */
export interface ChatThread {
  id: string;
  /** "New Chat" until the user or the title generator names it. */
  title: string;
  /** `provider/model`; '' means the caps' default chat model. */
  model: string;
  mode: ChatMode;
  /** Refact's GUI setting: `quick` | `explore` | `agent`. */
  tool_use: string;
  boost_reasoning: boolean;
  /** Caps the context window below the model's `n_ctx`; null = the model's. */
  context_tokens_cap: number | null;
  include_project_info: boolean;
  checkpoints_enabled: boolean;
  use_compression: boolean;
  is_title_generated: boolean;
}

/** The thread params a `set_params` patch may change (`id` is fixed). */
export const CHAT_THREAD_PATCHABLE = [
  'title', 'model', 'mode', 'tool_use', 'boost_reasoning', 'context_tokens_cap',
  'include_project_info', 'checkpoints_enabled', 'use_compression', 'is_title_generated',
] as const satisfies ReadonlyArray<keyof ChatThread>;

export const SESSION_STATES = ['idle', 'generating', 'executing_tools', 'paused', 'waiting_ide', 'error'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Why a turn waits for the user before running a tool (next issue fills these). */
export interface PauseReason {
  /** `confirmation` | `denial`. */
  type: string;
  command: string;
  rule: string;
  tool_call_id: string;
  integr_config_path: string | null;
}

export interface RuntimeState {
  state: SessionState;
  paused: boolean;
  /** Set with state `error`: what failed, naming the provider when a model call failed. */
  error: string | null;
  /** Commands accepted and not yet started. */
  queue_size: number;
  pause_reasons: PauseReason[];
}

// ---- messages ----

export const CHAT_ROLES = ['user', 'assistant', 'system', 'tool', 'context_file', 'plain_text', 'cd_instruction', 'diff'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** One file (or range) of context; `line1`/`line2` count from 1, 0 means "not a range". */
export interface ChatContextFile {
  file_name: string;
  file_content: string;
  line1: number;
  line2: number;
}

export type ChatTextPart = {
  type: 'text';
  text: string;
};

/** An image as OpenAI sends it: a `data:image/<png|jpeg|gif|webp>;base64,...` URL. */
export type ChatImagePart = {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
};

export type UserContentPart = ChatTextPart | ChatImagePart;
/** A user message's content: plain text, or text and images. */
export type ChatUserContent = string | UserContentPart[];

/** The most images one message may carry (Refact's limit). */
export const MAX_IMAGES_PER_MESSAGE = 5;

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  /** Position in the assistant's list; Refact's GUI keys on it. */
  index?: number;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Anthropic-style cache counters, when the provider reports them. */
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** Every message has an id that events refer to (`message_updated`, `stream_delta`, ...). */
interface MessageBase {
  message_id: string;
}

export interface UserMessage extends MessageBase {
  role: 'user';
  content: ChatUserContent;
  /** The workspace snapshot taken before this turn's tools ran (Refact's field); restoring it truncates the chat here. */
  checkpoints?: Checkpoint[];
}

export type AssistantFinishReason = 'stop' | 'length' | 'tool_calls' | 'abort' | 'error' | null;

export interface AssistantMessage extends MessageBase {
  role: 'assistant';
  content: string | null;
  reasoning_content?: string | null;
  tool_calls?: ChatToolCall[] | null;
  thinking_blocks?: unknown[] | null;
  citations?: unknown[];
  finish_reason?: AssistantFinishReason;
  usage?: ChatUsage | null;
  /** Provider extras (`merge_extra`), kept with the message. */
  extra?: Record<string, unknown>;
}

export interface SystemMessage extends MessageBase {
  role: 'system';
  content: string;
}

export interface ToolMessage extends MessageBase {
  role: 'tool';
  content: string | UserContentPart[];
  tool_call_id: string;
  tool_failed?: boolean;
}

/** `content` is a JSON **string** of `ChatContextFile[]`, as Refact writes it. */
export interface ContextFileMessage extends MessageBase {
  role: 'context_file';
  content: string;
  tool_call_id?: string;
}

/** Text the engine adds for the model (an @-command's plain output, a warning). */
export interface PlainTextMessage extends MessageBase {
  role: 'plain_text';
  content: string;
  tool_call_id?: string;
}

/** An instruction the engine injects after a tool (Refact's "cd_instruction"). */
export interface CdInstructionMessage extends MessageBase {
  role: 'cd_instruction';
  content: string;
}

/** `content` is a JSON string of diff chunks (the tools issue writes these). */
export interface DiffMessage extends MessageBase {
  role: 'diff';
  content: string;
  tool_call_id: string;
}

/** A message of a chat session. (`index.ts` re-exports it as `SessionChatMessage`.) */
export type ChatMessage =
  | UserMessage | AssistantMessage | SystemMessage | ToolMessage
  | ContextFileMessage | PlainTextMessage | CdInstructionMessage | DiffMessage;

/** What goes to the model: OpenAI's wire message (roles system/user/assistant/tool). */
export type OpenAIChatMessage = OpenAIWireMessage;

// ---- events (`GET /v1/chats/subscribe?chat_id=`) ----

export type DeltaOp =
  | { op: 'append_content'; text: string }
  | { op: 'append_reasoning'; text: string }
  | { op: 'set_tool_calls'; tool_calls: ChatToolCall[] }
  | { op: 'set_thinking_blocks'; blocks: unknown[] }
  | { op: 'add_citation'; citation: unknown }
  | { op: 'set_usage'; usage: ChatUsage }
  | { op: 'merge_extra'; extra: Record<string, unknown> };

export interface ChatSnapshotEvent {
  type: 'snapshot';
  thread: ChatThread;
  runtime: RuntimeState;
  messages: ChatMessage[];
}

export type ChatEvent =
  | ChatSnapshotEvent
  | ({ type: 'thread_updated' } & Partial<ChatThread>)
  | { type: 'runtime_updated'; state: SessionState; paused: boolean; error: string | null; queue_size: number }
  | { type: 'title_updated'; title: string; is_generated: boolean }
  | { type: 'message_added'; message: ChatMessage; index: number }
  | { type: 'message_updated'; message_id: string; message: ChatMessage }
  | { type: 'message_removed'; message_id: string }
  | { type: 'messages_truncated'; from_index: number }
  | { type: 'stream_started'; message_id: string }
  | { type: 'stream_delta'; message_id: string; ops: DeltaOp[] }
  | { type: 'stream_finished'; message_id: string; finish_reason: string | null }
  | { type: 'pause_required'; reasons: PauseReason[] }
  | { type: 'pause_cleared' }
  | { type: 'ide_tool_required'; tool_call_id: string; tool_name: string; args: unknown }
  | { type: 'subchat_update'; tool_call_id: string; subchat_id: string; attached_files?: string[] }
  | { type: 'ack'; client_request_id: string; accepted: boolean; result: unknown };

export type ChatEventType = ChatEvent['type'];

/**
 * One SSE frame: `data: <json>\n\n`. `seq` is a decimal string rising by one per event of the
 * chat; a client that sees a gap reconnects and gets a fresh snapshot. A `: hb` comment line
 * comes every `CHAT_HEARTBEAT_MS`.
 */
export type ChatEventEnvelope = { chat_id: string; seq: string } & ChatEvent;

export const CHAT_HEARTBEAT_MS = 15_000;

// ---- commands (`POST /v1/chats/{id}/commands`) ----

/** An extra image sent beside the content (Refact's `attachments`). */
export interface ChatAttachment {
  image_url: { url: string };
}

export type ChatCommand =
  // `active_file`: the editor's file and selection when the message was sent, for the context.
  | { type: 'user_message'; content: ChatUserContent; attachments?: ChatAttachment[]; active_file?: ChatActiveFile | null }
  | { type: 'retry_from_index'; index: number; content: ChatUserContent; attachments?: ChatAttachment[]; active_file?: ChatActiveFile | null }
  | { type: 'set_params'; patch: Partial<Omit<ChatThread, 'id'>> }
  | { type: 'abort' }
  | { type: 'update_message'; message_id: string; content: ChatUserContent; attachments?: ChatAttachment[]; regenerate?: boolean }
  | { type: 'remove_message'; message_id: string; regenerate?: boolean }
  // The tools issue implements these three; the engine answers 400 "not supported yet" until then.
  | { type: 'tool_decision'; tool_call_id: string; accepted: boolean; allow_for_chat?: boolean }
  | { type: 'tool_decisions'; decisions: ToolDecision[] }
  | { type: 'ide_tool_result'; tool_call_id: string; content: string; tool_failed?: boolean };

/**
 * The user's answer to one paused tool call. `allow_for_chat` (ours; Refact's GUI has no such
 * field) also runs this tool without asking for the rest of the chat.
 */
export interface ToolDecision {
  tool_call_id: string;
  accepted: boolean;
  allow_for_chat?: boolean;
}

export type ChatCommandType = ChatCommand['type'];
export const CHAT_COMMAND_TYPES = [
  'user_message', 'retry_from_index', 'set_params', 'abort', 'update_message', 'remove_message',
  'tool_decision', 'tool_decisions', 'ide_tool_result',
] as const satisfies ReadonlyArray<ChatCommandType>;

export type ChatCommandRequest = { client_request_id: string } & ChatCommand;

/** Commands a chat holds before answering 429 `queue_full` (Refact's limit). */
export const MAX_CHAT_QUEUE = 100;

/**
 * Answers: 202 `accepted` (and an `ack` event), 200 `duplicate` for a `client_request_id` seen
 * before, 200 `aborted`, 429 `queue_full`, 400 `invalid_content` with the reason. A body that
 * is not a command at all (no `client_request_id`, unknown `type`) is 400 `{detail}`.
 */
export type ChatCommandResponse =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'aborted' }
  | { status: 'queue_full' }
  | { status: 'invalid_content'; error: string; detail: string };

// ---- trajectories ----

/** `GET /v1/trajectories`: one entry per saved chat, newest first. */
export interface TrajectoryMeta {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  model: string;
  mode: string;
  message_count: number;
}

/** `<project>/.refact/trajectories/<chat_id>.json` (Refact writes `isTitleGenerated` camelCase). */
export interface TrajectoryData {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  model: string;
  mode: string;
  tool_use: string;
  messages: ChatMessage[];
  boost_reasoning: boolean;
  context_tokens_cap: number | null;
  include_project_info: boolean;
  checkpoints_enabled: boolean;
  use_compression: boolean;
  isTitleGenerated: boolean;
}

/** `GET /v1/trajectories/subscribe`: `data: <TrajectoryEvent>` frames. */
export interface TrajectoryEvent {
  type: 'created' | 'updated' | 'deleted';
  id: string;
  updated_at?: string;
  title?: string;
}
