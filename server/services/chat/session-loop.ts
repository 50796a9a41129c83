/**
 * One model turn of a chat: find the model in caps, let the context service build the request,
 * stream the answer into the session's draft, and finish it. Every failure ends the turn the
 * same way, `runtime_updated {state: "error", error}` with a reason that names the provider, and
 * leaves the chat ready for the next command; an abort closes the upstream socket at once.
 */
import type { AssistantMessage, ChatCommandRequest, ChatThread, DeltaOp } from '../../../src/protocol/chat';
import type { ChatMessage as OpenAIChatMessage, ToolCall, ToolDefinition } from '../../../src/protocol/openai';
import type { OpenAIToolSpec } from '../../../src/protocol/tools';
import type { Caps, ChatModelRecord } from '../../core/caps/model';
import { resolveChatModel } from '../../core/caps/resolve-model';
import { ToolCallMerger } from '../../core/chat/delta';
import { parseToolCalls, toPromptProtocol, type WireMessage } from '../../core/tools/prompt-protocol';
import type { ChatSessionState } from '../../core/chat/session-state';
import type { CapsResult } from '../caps-service';
import type { Logger } from '../logger';
import { streamChat, type ChatCall } from '../upstream/chat-completions';
import { UpstreamError, type UpstreamClient, type UpstreamTarget } from '../upstream/upstream-client';
import type { TurnContext } from './turn-context-contract';

export interface TurnDeps {
  caps: { getCaps(): Promise<CapsResult> };
  upstream: UpstreamClient;
  turnContext: TurnContext;
  logger: Logger;
  /** Upstream timeouts: until the first byte, and between two chunks. */
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** Called when the request is about to leave (the bench's "engine overhead" mark). */
  onRequestSent?: () => void;
  /** The agent's tools; without them the model is offered none and tool commands are refused. */
  tools?: ChatTools;
}

/** Why a turn was stopped by the engine rather than the user: it ran past its time limit. */
export class TurnLimit extends Error {
  constructor(limitMs: number) {
    super(`the turn was stopped after ${Math.round(limitMs / 60_000) || limitMs / 1000} ${limitMs >= 60_000 ? 'minutes' : 'seconds'}, the longest one turn may run`);
  }
}

/** A guard against a model that calls tools forever within one user turn. */
const MAX_TOOL_STEPS = 50;

export type ToolCommand = Extract<ChatCommandRequest, { type: 'tool_decision' | 'tool_decisions' | 'ide_tool_result' }>;

/**
 * Where the agent's tools plug into the session loop (the next issue implements it): the tool
 * definitions offered to the model, what happens after an answer that calls tools (run them,
 * add `tool` messages through the state, or pause with `pause_required`), and the tool commands.
 * `continue` asks the model again; `stop` ends the turn (the tools set the runtime state).
 */
export interface ChatTools {
  definitionsFor(thread: ChatThread, model: ChatModelRecord): ToolDefinition[];
  afterAnswer(state: ChatSessionState, answer: AssistantMessage, signal: AbortSignal): Promise<'continue' | 'stop'>;
  command(state: ChatSessionState, request: ToolCommand, signal: AbortSignal): Promise<'continue' | 'stop'>;
}

/** Refact's default answer budget; a quarter of the window at most. */
const DEFAULT_MAX_TOKENS = 4096;

export function providerOf(modelId: string): string {
  const slash = modelId.indexOf('/');
  return slash > 0 ? modelId.slice(0, slash) : modelId;
}

export function targetOf(model: ChatModelRecord): UpstreamTarget {
  return { provider: providerOf(model.id), url: model.endpoint, apiKey: model.api_key };
}

export function maxTokensFor(model: ChatModelRecord, boost: boolean): number {
  const wanted = boost ? DEFAULT_MAX_TOKENS * 4 : DEFAULT_MAX_TOKENS;
  return model.n_ctx > 0 ? Math.max(1, Math.min(wanted, Math.floor(model.n_ctx / 4))) : wanted;
}

/** Finds the chat's model or says why not, naming the provider the user should look at. */
export function chooseModel(caps: CapsResult, requested: string): { ok: true; model: ChatModelRecord; caps: Caps } | { ok: false; error: string } {
  if (!caps.ok) return { ok: false, error: `no chat model: caps are not available (${caps.detail})` };
  const resolved = resolveChatModel(caps.caps, requested);
  if (resolved.ok) return { ok: true, model: resolved.value, caps: caps.caps };
  const id = requested || caps.caps.defaults.chat_default_model;
  if (!id) return { ok: false, error: 'no chat model: caps name no default chat model and the chat names none' };
  return { ok: false, error: `provider '${providerOf(id)}' has no chat model '${id}': ${resolved.detail}` };
}

/**
 * Runs one turn on `state`: the model answers, and while it calls tools (and the tools service
 * says go on) it is asked again with their results. The caller owns the abort signal; an aborted
 * turn drops its draft (Refact's behaviour) and returns to idle. `earlierWarnings` come from
 * expanding the user's message and are shown with the answer.
 */
export async function runTurn(state: ChatSessionState, deps: TurnDeps, signal: AbortSignal, earlierWarnings: readonly string[] = []): Promise<void> {
  let warnings = earlierWarnings;
  for (let step = 0; step < MAX_TOOL_STEPS; step++) {
    const answer = await answerOnce(state, deps, signal, warnings);
    warnings = [];
    if (!answer || !deps.tools || !answer.tool_calls?.length || signal.aborted) return;
    if ((await deps.tools.afterAnswer(state, answer, signal)) !== 'continue' || signal.aborted) return;
  }
  state.setRuntime('error', `stopped after ${MAX_TOOL_STEPS} model calls in one turn`);
}

/** One model call streamed into a draft; the finished message, or null when the call failed or was aborted. */
async function answerOnce(state: ChatSessionState, deps: TurnDeps, signal: AbortSignal, earlierWarnings: readonly string[]): Promise<AssistantMessage | null> {
  const chosen = chooseModel(await deps.caps.getCaps(), state.thread.model);
  if (!chosen.ok) {
    state.setRuntime('error', chosen.error);
    return null;
  }
  const model = chosen.model;
  state.startStream();
  try {
    const prepared = await deps.turnContext.prepareRequest(state.thread, [...state.messages], model, signal);
    // Warnings (a blocked file, an @-command that found nothing) travel with the answer they concern.
    const warnings = [...earlierWarnings, ...prepared.warnings];
    if (warnings.length > 0) state.streamDelta([{ op: 'merge_extra', extra: { warnings } }]);
    const tools = deps.tools?.definitionsFor(state.thread, model) ?? [];
    // A model without native tool calls gets them described in the system prompt instead.
    const inPrompt = !model.supports_tools && tools.length > 0;
    const call: ChatCall = {
      model: model.name,
      messages: inPrompt ? promptProtocolMessages(prepared.messages, tools) : prepared.messages,
      maxTokens: maxTokensFor(model, state.thread.boost_reasoning),
      temperature: model.default_temperature,
      reasoningStyle: model.supports_reasoning,
      boostReasoning: state.thread.boost_reasoning && model.supports_boost_reasoning,
      tools: inPrompt || tools.length === 0 ? undefined : tools,
    };
    const merger = new ToolCallMerger();
    let finishReason: string | null = null;
    deps.onRequestSent?.();
    for await (const piece of streamChat(deps.upstream, targetOf(model), call, { signal, timeoutMs: deps.firstByteTimeoutMs, idleTimeoutMs: deps.idleTimeoutMs })) {
      const ops: DeltaOp[] = [];
      if (piece.reasoning) ops.push({ op: 'append_reasoning', text: piece.reasoning });
      if (piece.content) ops.push({ op: 'append_content', text: piece.content });
      if (piece.toolCalls && merger.push(piece.toolCalls)) ops.push({ op: 'set_tool_calls', tool_calls: merger.list((i) => `call_${state.draftId}_${i}`) });
      if (piece.thinkingBlocks) ops.push({ op: 'set_thinking_blocks', blocks: piece.thinkingBlocks });
      if (piece.usage) ops.push({ op: 'set_usage', usage: piece.usage });
      if (piece.extra) ops.push({ op: 'merge_extra', extra: piece.extra });
      state.streamDelta(ops);
      if (piece.finishReason) finishReason = piece.finishReason;
    }
    if (signal.aborted) throw abortError();
    // Calls in the prompt protocol's text; a model that sent native ones anyway is taken at its word.
    const calls = inPrompt && merger.size === 0 ? takePromptCalls(state) : merger.size;
    const runsTools = !!deps.tools && calls > 0;
    return state.finishStream(finishReason ?? 'stop', runsTools ? 'executing_tools' : 'idle');
  } catch (error) {
    if (signal.aborted && signal.reason instanceof TurnLimit) {
      state.failStream(signal.reason.message);
      return null;
    }
    if (signal.aborted || (error instanceof UpstreamError && error.kind === 'aborted')) {
      state.abortStream();
      return null;
    }
    const reason = error instanceof UpstreamError ? error.message : `provider '${providerOf(model.id)}': ${(error as Error).message}`;
    if (!(error instanceof UpstreamError)) deps.logger.error(`chat ${state.chatId}: turn failed: ${(error as Error).stack ?? reason}`);
    state.failStream(reason);
    return null;
  }
}

/**
 * The prompt-based protocol's request: earlier calls were said as `<tool_call>` blocks in the
 * assistant's text (kept there as streamed), so they are taken out before the history is
 * rewritten with the calls as blocks again, and tool results become `<tool_response>` text.
 */
function promptProtocolMessages(messages: OpenAIChatMessage[], tools: ToolDefinition[]): OpenAIChatMessage[] {
  const wire: WireMessage[] = messages.map((m) => {
    const text = typeof m.content === 'string' || m.content === null ? m.content : m.content.map((p) => ('text' in p ? p.text : '')).join('');
    const role = m.role === 'developer' ? 'system' : m.role;
    if (role === 'assistant' && m.tool_calls?.length) return { role, content: parseToolCalls(text ?? '').text, tool_calls: m.tool_calls };
    return { role, content: text, tool_call_id: m.tool_call_id };
  });
  return toPromptProtocol(wire, tools as OpenAIToolSpec[]);
}

/** Parses the finished reply of a prompt-protocol turn; its calls join the draft as `set_tool_calls`. */
function takePromptCalls(state: ChatSessionState): number {
  const parsed = parseToolCalls(state.draftContent ?? '');
  if (parsed.errors.length > 0) state.streamDelta([{ op: 'merge_extra', extra: { warnings: parsed.errors } }]);
  if (parsed.calls.length === 0) return 0;
  const toolCalls: ToolCall[] = parsed.calls.map((c, index) => ({ id: `call_${state.draftId}_${index}`, type: 'function', function: c }));
  state.streamDelta([{ op: 'set_tool_calls', tool_calls: toolCalls.map((c, index) => ({ ...c, index })) }]);
  return toolCalls.length;
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
