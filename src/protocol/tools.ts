/**
 * The agent's tools over HTTP: `GET/POST /v1/tools`, `POST /v1/tools-check-if-confirmation-needed`,
 * `POST /v1/file_edit_tool_dry_run`, `POST /v1/checkpoints-preview|restore`, and the `DiffChunk`
 * a file edit answers with. Shapes are Refact's (engine `src/tools/tools_description.rs`,
 * `src/http/routers/v1/at_tools.rs`, `file_edit_tools.rs`, `git.rs`, `call_validation.rs`).
 */
import type { ChatToolCall } from './chat';

export const ToolRoutes = {
  tools: '/v1/tools',
  checkConfirmation: '/v1/tools-check-if-confirmation-needed',
  execute: '/v1/tools-execute',
  fileEditDryRun: '/v1/file_edit_tool_dry_run',
  checkpointsPreview: '/v1/checkpoints-preview',
  checkpointsRestore: '/v1/checkpoints-restore',
} as const;

export interface ToolParam {
  name: string;
  /** `string` | `boolean` | `number` | `object` (a JSON-schema type name). */
  type: string;
  description: string;
}

export interface ToolSource {
  source_type: 'builtin' | 'integration';
  /** The YAML file that enables/disables the tool (`builtin_tools.yaml` or the integration's file). */
  config_path: string;
}

/** Refact's `ToolDesc`. */
export interface ToolDesc {
  name: string;
  display_name: string;
  /** Refact leaves agentic tools out of EXPLORE mode. */
  agentic: boolean;
  experimental: boolean;
  description: string;
  parameters: ToolParam[];
  parameters_required: string[];
  source: ToolSource;
}

export type ToolGroupCategory = 'builtin' | 'integration' | 'mcp';

/** `GET /v1/tools` answers a list of these; empty groups are left out. */
export interface ToolGroupResponse {
  name: string;
  description: string;
  category: ToolGroupCategory;
  tools: Array<{ spec: ToolDesc; enabled: boolean }>;
}

/** `POST /v1/tools`: enable or disable tools; answers `{success: true}`. */
export interface ToolsPostRequest {
  tools: Array<{ name: string; source: ToolSource; enabled: boolean }>;
}

/** An OpenAI function tool, as sent to the model. */
export interface OpenAIToolSpec {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: { type: 'object'; properties: Record<string, { type: string; description: string }>; required: string[] };
  };
}

export interface ToolsCheckConfirmationRequest {
  tool_calls: ChatToolCall[];
  messages?: unknown[];
  meta?: { chat_id?: string; chat_mode?: string };
}

export interface ToolPauseReason {
  type: 'confirmation' | 'denial';
  command: string;
  rule: string;
  tool_call_id: string;
  integr_config_path: string | null;
}

export interface ToolsCheckConfirmationResponse {
  pause: boolean;
  pause_reasons: ToolPauseReason[];
}

/**
 * `POST /v1/tools-execute`: runs the tool calls of the last assistant message that have no
 * answer yet and answers the messages they add (`tool`, `context_file`, `diff`). Refact's body
 * also carries `n_ctx`, `maxgen`, `subchat_tool_parameters`, `postprocess_parameters` and
 * `style`; they are accepted and not needed here.
 */
export interface ToolsExecuteRequest {
  messages: Array<{ role: string; content?: unknown; tool_calls?: ChatToolCall[] | null; tool_call_id?: string }>;
  chat_id?: string;
  model_name?: string;
  meta?: { chat_id?: string; chat_mode?: string };
}

export interface ToolsExecuteResponse {
  messages: Array<{ role: 'tool' | 'context_file' | 'diff'; content: string; tool_call_id: string; tool_failed?: boolean }>;
  tools_ran: boolean;
}

/** One change of a file edit (Refact's `DiffChunk`); lines are 1-based, `lines_*` end with `\n`. */
export interface DiffChunk {
  file_name: string;
  file_action: 'edit' | 'rename' | 'add' | 'remove';
  line1: number;
  line2: number;
  lines_remove: string;
  lines_add: string;
  file_name_rename: string | null;
  application_details: string;
}

export interface FileEditDryRunRequest {
  tool_name: string;
  tool_args: Record<string, unknown>;
}

export interface FileEditDryRunResponse {
  file_before: string;
  file_after: string;
  chunks: DiffChunk[];
}

/** A snapshot of one workspace folder in the engine's shadow repository. */
export interface Checkpoint {
  workspace_folder: string;
  commit_hash: string;
}

export interface CheckpointsRequest {
  checkpoints: Checkpoint[];
  meta?: { chat_id?: string };
}

export interface CheckpointFileChange {
  relative_path: string;
  absolute_path: string;
  /** What a restore does to the file. */
  status: 'ADDED' | 'MODIFIED' | 'DELETED';
}

export interface CheckpointsPreviewResponse {
  reverted_changes: Array<{ workspace_folder: string; files_changed: CheckpointFileChange[] }>;
  /** A snapshot of the state before the restore, to undo it. */
  checkpoints_for_undo: Checkpoint[];
  /** When the restored snapshot was taken (RFC 3339, seconds). */
  reverted_to: string;
  error_log: string[];
}

export interface CheckpointsRestoreResponse {
  success: boolean;
  error_log: string[];
}
