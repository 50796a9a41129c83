/**
 * Reading a `POST /v1/chats/{id}/commands` body into a typed command. Two kinds of refusal, as
 * Refact answers them: a body that is not a command (no `client_request_id`, unknown `type`,
 * a field of the wrong type) is `malformed`; a well-formed message whose content cannot be sent
 * (an empty array, a bad image) is `invalid_content`, which also gets a negative `ack` event.
 */
import type { ChatActiveFile } from '../../../src/protocol/at-commands';
import { CHAT_COMMAND_TYPES, type ChatCommandRequest, type ToolDecision } from '../../../src/protocol/chat';
import { validateUserContent } from './content';
import { validateThreadPatch } from './thread';

export type ParsedCommand =
  | { kind: 'ok'; request: ChatCommandRequest }
  | { kind: 'malformed'; detail: string }
  | { kind: 'invalid_content'; clientRequestId: string; error: string };

/** The longest `client_request_id` kept for de-duplication. */
const MAX_REQUEST_ID = 200;

export function parseCommand(body: unknown): ParsedCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return malformed('the body must be a JSON object');
  const raw = body as Record<string, unknown>;
  const id = raw.client_request_id;
  if (typeof id !== 'string' || id === '' || id.length > MAX_REQUEST_ID) return malformed(`client_request_id must be a non-empty string of at most ${MAX_REQUEST_ID} characters`);
  const type = raw.type;
  if (typeof type !== 'string' || !(CHAT_COMMAND_TYPES as readonly string[]).includes(type)) {
    return malformed(`unknown command type ${JSON.stringify(type)}; expected one of ${CHAT_COMMAND_TYPES.join(', ')}`);
  }
  const invalid = (error: string): ParsedCommand => ({ kind: 'invalid_content', clientRequestId: id, error });
  switch (type) {
    case 'user_message':
    case 'retry_from_index': {
      if (type === 'retry_from_index' && !isIndex(raw.index)) return malformed('retry_from_index needs a non-negative integer `index`');
      const activeFile = readActiveFile(raw.active_file);
      if (typeof activeFile === 'string') return malformed(activeFile);
      const check = validateUserContent(raw.content, raw.attachments ?? []);
      if (!check.ok) return invalid(check.error);
      const common = { client_request_id: id, content: check.content, ...(activeFile ? { active_file: activeFile } : {}) };
      return okCommand(type === 'user_message' ? { ...common, type } : { ...common, type, index: raw.index as number });
    }
    case 'update_message': {
      if (typeof raw.message_id !== 'string') return malformed('update_message needs a `message_id` string');
      if (raw.regenerate !== undefined && typeof raw.regenerate !== 'boolean') return malformed('`regenerate` must be a boolean');
      const check = validateUserContent(raw.content, raw.attachments ?? []);
      if (!check.ok) return invalid(check.error);
      return okCommand({ client_request_id: id, type, message_id: raw.message_id, content: check.content, regenerate: raw.regenerate === true });
    }
    case 'remove_message':
      if (typeof raw.message_id !== 'string') return malformed('remove_message needs a `message_id` string');
      if (raw.regenerate !== undefined && typeof raw.regenerate !== 'boolean') return malformed('`regenerate` must be a boolean');
      return okCommand({ client_request_id: id, type, message_id: raw.message_id, regenerate: raw.regenerate === true });
    case 'set_params': {
      const patch = validateThreadPatch(raw.patch);
      return patch.ok ? okCommand({ client_request_id: id, type, patch: patch.value }) : malformed(patch.detail);
    }
    case 'abort':
      return okCommand({ client_request_id: id, type });
    case 'tool_decision':
      if (typeof raw.tool_call_id !== 'string' || typeof raw.accepted !== 'boolean') return malformed('tool_decision needs `tool_call_id` (string) and `accepted` (boolean)');
      if (raw.allow_for_chat !== undefined && typeof raw.allow_for_chat !== 'boolean') return malformed('`allow_for_chat` must be a boolean');
      return okCommand({ client_request_id: id, type, tool_call_id: raw.tool_call_id, accepted: raw.accepted, ...(raw.allow_for_chat === true ? { allow_for_chat: true } : {}) });
    case 'tool_decisions': {
      const decisions = raw.decisions;
      const valid = Array.isArray(decisions) && decisions.every((d) => typeof d?.tool_call_id === 'string' && typeof d?.accepted === 'boolean' && (d.allow_for_chat === undefined || typeof d.allow_for_chat === 'boolean'));
      if (!valid) return malformed('tool_decisions needs `decisions`: [{tool_call_id, accepted, allow_for_chat?}]');
      return okCommand({ client_request_id: id, type, decisions: (decisions as ToolDecision[]).map(({ tool_call_id, accepted, allow_for_chat }) => ({ tool_call_id, accepted, ...(allow_for_chat === true ? { allow_for_chat: true } : {}) })) });
    }
    case 'ide_tool_result':
      if (typeof raw.tool_call_id !== 'string' || typeof raw.content !== 'string') return malformed('ide_tool_result needs `tool_call_id` and `content` strings');
      if (raw.tool_failed !== undefined && typeof raw.tool_failed !== 'boolean') return malformed('`tool_failed` must be a boolean');
      return okCommand({ client_request_id: id, type, tool_call_id: raw.tool_call_id, content: raw.content, tool_failed: raw.tool_failed === true });
    default:
      return malformed(`unknown command type '${type}'`);
  }
}

/** The editor's active file, when sent: null/absent is none, a string is the reason it is refused. */
function readActiveFile(value: unknown): ChatActiveFile | null | string {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return '`active_file` must be an object';
  const file = value as Record<string, unknown>;
  if (typeof file.file_name !== 'string' || file.file_name === '') return '`active_file.file_name` must be a non-empty string';
  for (const key of ['cursor_line', 'line1', 'line2'] as const) {
    if (file[key] !== undefined && !(Number.isInteger(file[key]) && (file[key] as number) >= 1)) return `\`active_file.${key}\` must be a line number from 1`;
  }
  if (file.selection !== undefined && typeof file.selection !== 'string') return '`active_file.selection` must be a string';
  return file as unknown as ChatActiveFile;
}

function isIndex(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function malformed(detail: string): ParsedCommand {
  return { kind: 'malformed', detail };
}

function okCommand(request: ChatCommandRequest): ParsedCommand {
  return { kind: 'ok', request };
}
