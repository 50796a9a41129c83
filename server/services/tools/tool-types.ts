/**
 * What every tool run gets and gives back. The session loop builds a `ToolContext` per call
 * (its chat's file state lives as long as the chat) and turns a `ToolResult` into chat messages
 * with `toolResultMessages`.
 */
import type { ChatContextFile } from '../../../src/protocol/chat';
import type { DiffChunk } from '../../../src/protocol/tools';
import type { PrivacyVerdict } from '../../core/privacy';
import type { ChatFileState } from './editor';

export interface ToolContext {
  chatId: string;
  signal: AbortSignal;
  /** The workspace folders file tools are confined to. */
  roots: string[];
  /** What this chat's model has read (stale-edit checks); keep one per chat. */
  files: ChatFileState;
  /** The model runs on a server the user controls (privacy's `only_send_to_servers_I_control`). */
  modelIsLocal: boolean;
}

export interface ToolResult {
  /** False for every failure and refusal: the model is told it failed, never that it worked. */
  ok: boolean;
  /** The `tool` message's text, what the model reads. */
  content: string;
  /** File edits: a `diff` message for the GUI (and the model). */
  diff?: DiffChunk[];
  /** File text the tool attached (`cat`, definitions, search), as `context_file` messages. */
  contextFiles?: ChatContextFile[];
}

export interface PrivacyGate {
  check(path: string, modelIsLocal: boolean): Promise<PrivacyVerdict>;
  /** A synchronous checker over the rules as they are now, for loops over many files. */
  checker(modelIsLocal: boolean): Promise<(path: string) => PrivacyVerdict>;
}

/** Keeps the files the model may see. */
export async function allowedFiles(privacy: PrivacyGate | null, files: readonly string[], ctx: ToolContext): Promise<string[]> {
  if (!privacy) return [...files];
  const allowed = await privacy.checker(ctx.modelIsLocal);
  return files.filter((f) => allowed(f).allowed);
}

export const failed = (content: string): ToolResult => ({ ok: false, content });

/** Privacy first: a file the rules keep from this model is neither read nor changed by a tool. */
export async function privacyRefusal(privacy: PrivacyGate | null, path: string, ctx: ToolContext): Promise<string | null> {
  if (!privacy) return null;
  const verdict = await privacy.check(path, ctx.modelIsLocal);
  return verdict.allowed ? null : `"${path}" cannot be used: ${verdict.reason}`;
}
