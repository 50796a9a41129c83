/**
 * The tools in a chat session: implements the session loop's `ChatTools` extension point over
 * the registry. After an answer that calls tools, every call is checked first; when one needs
 * the user's confirmation the whole batch waits (`pause_required`, runtime `paused`) for
 * `tool_decision(s)`; otherwise, or once all are decided, the calls run in order and their
 * results join the chat (`tool`, `context_file`, `diff`), bad calls and refusals as failed
 * `tool` messages, so the model reads what went wrong and goes on.
 */
import type { AssistantMessage, ChatThread } from '../../../src/protocol/chat';
import type { ToolDefinition } from '../../../src/protocol/openai';
import type { ToolPauseReason } from '../../../src/protocol/tools';
import type { ChatModelRecord } from '../../core/caps/model';
import type { ChatSessionState } from '../../core/chat/session-state';
import { endpointUnderUserControl } from '../../core/privacy';
import type { ChatTools, ToolCommand } from '../chat/session-loop';
import type { ChatToolStates } from './chat-tool-states';
import { toolResultMessages, type ChatToolState, type PendingCall, type ToolRegistry } from './tool-registry';
import { failed, type ToolResult } from './tool-types';

export interface ChatToolsDeps {
  registry: ToolRegistry;
  chats: ChatToolStates;
  folders: () => readonly string[];
  newId: () => string;
}

export function createChatTools(deps: ChatToolsDeps): ChatTools {
  return {
    definitionsFor(thread: ChatThread, model: ChatModelRecord): ToolDefinition[] {
      deps.chats.get(thread.id).modelIsLocal = endpointUnderUserControl(model.endpoint);
      // A model without native tool calls gets these in its system prompt (the session loop's prompt-based protocol).
      return deps.registry.listSync(thread.mode);
    },

    async afterAnswer(state: ChatSessionState, answer: AssistantMessage, signal: AbortSignal) {
      const chat = deps.chats.get(state.chatId);
      const batch: PendingCall[] = [];
      for (const call of answer.tool_calls ?? []) {
        const checked = await deps.registry.check(call.function.name, call.function.arguments, state.thread.mode);
        if (!checked.ok) {
          batch.push({ call, checked, decision: 'run', reason: null });
          continue;
        }
        const decision = await deps.registry.needsConfirmation(call.function.name, checked.args, chat.allowedForChat);
        const reason: ToolPauseReason | null = decision.decision === 'run' ? null : { type: decision.decision === 'ask' ? 'confirmation' : 'denial', command: decision.command, rule: decision.rule, tool_call_id: call.id, integr_config_path: decision.integr_config_path };
        batch.push({ call, checked, decision: decision.decision, reason });
      }
      if (batch.some((p) => p.decision === 'ask')) {
        chat.pending = batch;
        pause(state, batch);
        return 'stop';
      }
      await runBatch(state, chat, batch, signal, deps);
      return signal.aborted ? 'stop' : 'continue';
    },

    async command(state: ChatSessionState, request: ToolCommand, signal: AbortSignal) {
      if (request.type === 'ide_tool_result') return 'stop';
      const chat = deps.chats.get(state.chatId);
      if (!chat.pending) return 'stop';
      const decisions = request.type === 'tool_decision' ? [request] : request.decisions;
      for (const d of decisions) {
        const item = chat.pending.find((p) => p.call.id === d.tool_call_id && p.decision === 'ask');
        if (!item) continue;
        item.accepted = d.accepted;
        // "Allow for this chat": later calls of this tool run without asking (deny rules still apply).
        if (d.accepted && d.allow_for_chat) deps.chats.allow(state.chatId, item.call.function.name);
      }
      if (chat.pending.some((p) => p.decision === 'ask' && p.accepted === undefined)) {
        pause(state, chat.pending);
        return 'stop';
      }
      const batch = chat.pending;
      chat.pending = null;
      await runBatch(state, chat, batch, signal, deps);
      return signal.aborted ? 'stop' : 'continue';
    },
  };
}

/** The calls still waiting for the user become the pause reasons. */
function pause(state: ChatSessionState, batch: PendingCall[]): void {
  const reasons = batch.filter((p) => p.decision === 'ask' && p.accepted === undefined).map((p) => p.reason!);
  state.runtime.pause_reasons = reasons;
  state.emit({ type: 'pause_required', reasons });
  state.setRuntime('paused');
}

async function runBatch(state: ChatSessionState, chat: ChatToolState, batch: PendingCall[], signal: AbortSignal, deps: ChatToolsDeps): Promise<void> {
  state.setRuntime('executing_tools');
  for (const item of batch) {
    const name = item.call.function.name;
    let result: ToolResult;
    if (!item.checked.ok) result = failed(item.checked.error);
    else if (item.accepted === false) result = failed(`The user declined to run \`${item.reason?.command || name}\`. It was not run; do not call it again the same way. Ask the user what to do instead, or take another approach.`);
    else if (signal.aborted) result = failed(`${name} was not run: the turn was stopped.`);
    else {
      const ctx = { chatId: state.chatId, signal, roots: [...deps.folders()], files: chat.files, modelIsLocal: chat.modelIsLocal };
      result = await deps.registry.run(name, item.call.function.arguments, ctx, state.thread.mode);
    }
    for (const message of toolResultMessages(item.call.id, result, deps.newId)) state.addMessage(message);
  }
}
