/**
 * A chat's parameters: Refact's defaults for a new chat, and the checks a `set_params` patch
 * passes before it touches the thread (a wrong type is a 400 with the field named, never a
 * thread with a number where a title should be).
 */
import { CHAT_MODES, CHAT_THREAD_PATCHABLE, type ChatMode, type ChatThread } from '../../../src/protocol/chat';
import { fail, ok, type Outcome } from '../outcome';

export const DEFAULT_TITLE = 'New Chat';

export function defaultThread(id: string): ChatThread {
  return {
    id,
    title: DEFAULT_TITLE,
    model: '',
    mode: 'AGENT',
    tool_use: 'agent',
    boost_reasoning: false,
    context_tokens_cap: null,
    include_project_info: true,
    checkpoints_enabled: true,
    use_compression: true,
    is_title_generated: false,
  };
}

type Patch = Partial<Omit<ChatThread, 'id'>>;

const BOOLEAN_FIELDS = new Set(['boost_reasoning', 'include_project_info', 'checkpoints_enabled', 'use_compression', 'is_title_generated']);
const STRING_FIELDS = new Set(['title', 'model', 'tool_use']);

/**
 * Checks a patch field by field. Unknown fields are refused rather than ignored, so a client
 * that misspells `boost_reasoning` learns it at once.
 */
export function validateThreadPatch(patch: unknown): Outcome<Patch> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return fail('BadRequest', 'set_params needs a `patch` object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'id') {
      if (value !== undefined) return fail('BadRequest', 'set_params cannot change the chat id');
      continue;
    }
    if (!(CHAT_THREAD_PATCHABLE as readonly string[]).includes(key)) return fail('BadRequest', `set_params: unknown field '${key}'; expected ${CHAT_THREAD_PATCHABLE.join(', ')}`);
    if (BOOLEAN_FIELDS.has(key) && typeof value !== 'boolean') return fail('BadRequest', `set_params: '${key}' must be a boolean`);
    if (STRING_FIELDS.has(key) && typeof value !== 'string') return fail('BadRequest', `set_params: '${key}' must be a string`);
    if (key === 'mode' && !(CHAT_MODES as readonly string[]).includes(value as string)) return fail('BadRequest', `set_params: mode must be one of ${CHAT_MODES.join(', ')}`);
    if (key === 'context_tokens_cap' && value !== null && !(Number.isInteger(value) && (value as number) > 0)) {
      return fail('BadRequest', "set_params: 'context_tokens_cap' must be a positive integer or null");
    }
    out[key] = value;
  }
  return ok(out as Patch);
}

/** Reads a mode written by another tool or an older file; anything unknown is AGENT, Refact's default. */
export function readMode(value: unknown): ChatMode {
  return (CHAT_MODES as readonly unknown[]).includes(value) ? (value as ChatMode) : 'AGENT';
}
