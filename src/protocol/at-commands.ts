/**
 * Refact's @-command routes (`/v1/at-command-completion`, `/v1/at-command-preview`) and the
 * editor context a chat client may send with a message. Shapes and status codes are Refact's
 * (engine `src/http/routers/v1/at_commands.rs`): a body that is not the right JSON is a 422.
 */
import type { ChatMessage } from './chat';

export const AtCommandRoutes = {
  completion: '/v1/at-command-completion',
  preview: '/v1/at-command-preview',
} as const;

/** `POST /v1/at-command-completion`: `cursor` is an offset into `query`. */
export interface AtCommandCompletionRequest {
  query: string;
  cursor: number;
  top_n: number;
}

/**
 * Each completion ends with a space; `replace` is the `[pos1, pos2]` range of `query` to
 * replace with the chosen one (`[-1, -1]` when there is nothing to complete);
 * `is_cmd_executable` says the command under the cursor is complete as typed.
 */
export interface AtCommandCompletionResponse {
  completions: string[];
  replace: [number, number];
  is_cmd_executable: boolean;
}

/** `POST /v1/at-command-preview`: the @-commands of the last message are run, nothing is sent. */
export interface AtCommandPreviewRequest {
  messages: Array<{ role: string; content: unknown }>;
  /** `provider/model`; '' = the caps' default chat model. */
  model?: string;
  provider?: string;
  meta?: Record<string, unknown>;
}

/** A command (`kind: "cmd"`) or argument (`"arg"`) of the query, for the GUI to underline. */
export interface AtCommandHighlight {
  kind: 'cmd' | 'arg';
  pos1: number;
  pos2: number;
  ok: boolean;
  /** Why it failed; '' when `ok`. */
  reason: string;
}

/**
 * `messages` holds what the commands produced (`context_file` with a JSON string content,
 * `plain_text`); `current_context` counts the tokens of those messages and the query,
 * `number_context` is the model's window.
 */
export interface AtCommandPreviewResponse {
  messages: Array<Pick<ChatMessage, 'role' | 'content'>>;
  model: string;
  highlight: AtCommandHighlight[];
  current_context: number;
  number_context: number;
}

/**
 * The editor's state when a message was sent (the `active_file` field of a `user_message`
 * command): the file in front of the user and, when there is one, the selection. It becomes
 * context for that turn, subject to privacy like every other file.
 */
export interface ChatActiveFile {
  /** Absolute path or `file:` URI. */
  file_name: string;
  /** 1-based line of the cursor. */
  cursor_line?: number;
  /** The selected lines, 1-based inclusive; absent without a selection. */
  line1?: number;
  line2?: number;
  /** The selected text as the editor has it (unsaved edits included). */
  selection?: string;
}
