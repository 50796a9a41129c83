/**
 * Refact's tool routes: `GET/POST /v1/tools`, `POST /v1/tools-check-if-confirmation-needed`,
 * `POST /v1/file_edit_tool_dry_run`. As in Refact, a body that is not the expected JSON is a
 * 422 with `{"detail": "JSON problem: ..."}`; the routes read the body as text and check it.
 */
import type { FastifyInstance } from 'fastify';
import type { ChatToolCall } from '../../../src/protocol/chat';
import { ToolRoutes, type FileEditDryRunResponse, type ToolGroupResponse, type ToolsCheckConfirmationResponse, type ToolsExecuteResponse } from '../../../src/protocol/tools';
import type { ChatToolStates } from '../../services/tools/chat-tool-states';
import { toolResultMessages } from '../../services/tools/tool-registry';
import type { ToolRegistry } from '../../services/tools/tool-registry';
import type { ToolIntegrations } from '../../services/tools/integrations';
import type { RouteModule } from '../app';
import { problem } from '../errors';

export interface ToolRouteDeps {
  registry: ToolRegistry;
  integrations: ToolIntegrations;
  folders: () => readonly string[];
  /** Each chat's tool state (files read, tools allowed for the chat), shared with the session. */
  chats: ChatToolStates;
}

export function jsonBody(raw: unknown): Record<string, unknown> {
  let body: unknown;
  try {
    body = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch (error) {
    throw problem('Unprocessable', `JSON problem: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw problem('Unprocessable', 'JSON problem: expected an object');
  return body as Record<string, unknown>;
}

/** A scope whose routes read any body as text, so bad JSON gets Refact's 422. */
export function textBodyScope(app: FastifyInstance, register: (scope: FastifyInstance) => void): void {
  void app.register(async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    register(scope);
  });
}

function toolCalls(value: unknown): ChatToolCall[] {
  const ok = Array.isArray(value) && value.every((c) => {
    const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    return typeof call?.id === 'string' && typeof call.function?.name === 'string' && typeof call.function.arguments === 'string';
  });
  if (!ok) throw problem('Unprocessable', 'JSON problem: `tool_calls` must be a list of {id, function: {name, arguments (a JSON string)}}');
  return value as ChatToolCall[];
}

/** The calls of the last assistant message that no `tool` message answers yet. */
function pendingCalls(value: unknown): ChatToolCall[] {
  if (!Array.isArray(value) || !value.every((m) => typeof (m as { role?: unknown })?.role === 'string')) {
    throw problem('Unprocessable', 'JSON problem: `messages` must be a list of messages with a role');
  }
  const messages = value as Array<{ role: string; tool_calls?: unknown; tool_call_id?: unknown }>;
  const last = messages.map((m) => m.role).lastIndexOf('assistant');
  if (last < 0 || !messages[last]!.tool_calls) return [];
  const answered = new Set(messages.slice(last + 1).filter((m) => m.role === 'tool').map((m) => m.tool_call_id));
  return toolCalls(messages[last]!.tool_calls).filter((c) => !answered.has(c.id));
}

export function toolRoutes(deps: ToolRouteDeps): RouteModule {
  return (app) => {
    app.get(ToolRoutes.tools, async (): Promise<ToolGroupResponse[]> => deps.registry.groups());
    textBodyScope(app, (scope) => {
      scope.post(ToolRoutes.tools, async (request) => {
        const { tools } = jsonBody(request.body);
        const valid = Array.isArray(tools) && tools.every((t) => {
          const tool = t as { name?: unknown; enabled?: unknown; source?: { config_path?: unknown } };
          return typeof tool?.name === 'string' && typeof tool.enabled === 'boolean' && typeof tool.source?.config_path === 'string';
        });
        if (!valid) throw problem('Unprocessable', 'JSON problem: `tools` must be a list of {name, source: {source_type, config_path}, enabled}');
        for (const tool of tools as Array<{ name: string; enabled: boolean; source: { config_path: string } }>) {
          try {
            await deps.integrations.setEnabled(tool.source.config_path, tool.name, tool.enabled);
          } catch (error) {
            throw problem('BadRequest', `Error setting tool config: ${(error as Error).message}`);
          }
        }
        return { success: true };
      });
      scope.post(ToolRoutes.checkConfirmation, async (request): Promise<ToolsCheckConfirmationResponse> => {
        const body = jsonBody(request.body);
        const calls = toolCalls(body.tool_calls);
        const meta = (typeof body.meta === 'object' && body.meta !== null ? body.meta : {}) as { chat_id?: unknown; chat_mode?: unknown };
        const chatId = typeof meta.chat_id === 'string' ? meta.chat_id : '';
        const mode = typeof meta.chat_mode === 'string' ? meta.chat_mode : 'AGENT';
        return deps.registry.checkToolCalls(calls, chatId ? deps.chats.get(chatId).allowedForChat : new Set(), mode);
      });
      scope.post(ToolRoutes.execute, async (request, reply): Promise<ToolsExecuteResponse> => {
        const body = jsonBody(request.body);
        const pending = pendingCalls(body.messages);
        const meta = (typeof body.meta === 'object' && body.meta !== null ? body.meta : {}) as { chat_id?: unknown; chat_mode?: unknown };
        const chatId = typeof body.chat_id === 'string' ? body.chat_id : typeof meta.chat_id === 'string' ? meta.chat_id : '';
        const mode = typeof meta.chat_mode === 'string' ? meta.chat_mode : 'AGENT';
        const abort = new AbortController();
        // A client that goes away stops the tools (a long shell command is killed).
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        const state = deps.chats.get(chatId);
        const messages: ToolsExecuteResponse['messages'] = [];
        for (const call of pending) {
          // No model is named here, so privacy treats it as a remote one (the stricter rule).
          const ctx = { chatId, signal: abort.signal, roots: [...deps.folders()], files: state.files, modelIsLocal: false };
          const result = await deps.registry.run(call.function.name, call.function.arguments, ctx, mode);
          for (const m of toolResultMessages(call.id, result, () => '')) {
            const { message_id: _id, ...rest } = m as typeof m & { tool_call_id: string };
            messages.push(rest as ToolsExecuteResponse['messages'][number]);
          }
        }
        return { messages, tools_ran: pending.length > 0 };
      });
      scope.post(ToolRoutes.fileEditDryRun, async (request): Promise<FileEditDryRunResponse> => {
        const { tool_name, tool_args } = jsonBody(request.body);
        if (typeof tool_name !== 'string') throw problem('Unprocessable', 'JSON problem: missing field `tool_name` (a string)');
        if (typeof tool_args !== 'object' || tool_args === null || Array.isArray(tool_args)) throw problem('Unprocessable', 'JSON problem: missing field `tool_args` (an object)');
        const result = await deps.registry.dryRun(tool_name, tool_args, [...deps.folders()]);
        if ('error' in result) throw problem(result.unknownTool ? 'BadRequest' : 'Unprocessable', result.error);
        return result;
      });
    });
  };
}
