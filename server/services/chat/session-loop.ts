/**
 * One model turn of a chat: find the model in caps, let the context service build the request,
 * stream the answer into the session's draft, and finish it. Every failure ends the turn the
 * same way, `runtime_updated {state: "error", error}` with a reason that names the provider, and
 * leaves the chat ready for the next command; an abort closes the upstream socket at once.
 */
import type { DeltaOp } from '../../../src/protocol/chat';
import type { Caps, ChatModelRecord } from '../../core/caps/model';
import { resolveChatModel } from '../../core/caps/resolve-model';
import { ToolCallMerger } from '../../core/chat/delta';
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
 * Runs one turn on `state`. The caller owns the abort signal; an aborted turn drops its draft
 * (Refact's behaviour) and returns to idle. `earlierWarnings` come from expanding the user's
 * message and are shown with the answer.
 */
export async function runTurn(state: ChatSessionState, deps: TurnDeps, signal: AbortSignal, earlierWarnings: readonly string[] = []): Promise<void> {
  const chosen = chooseModel(await deps.caps.getCaps(), state.thread.model);
  if (!chosen.ok) {
    state.setRuntime('error', chosen.error);
    return;
  }
  const model = chosen.model;
  state.startStream();
  try {
    const prepared = await deps.turnContext.prepareRequest(state.thread, [...state.messages], model, signal);
    // Warnings (a blocked file, an @-command that found nothing) travel with the answer they concern.
    const warnings = [...earlierWarnings, ...prepared.warnings];
    if (warnings.length > 0) state.streamDelta([{ op: 'merge_extra', extra: { warnings } }]);
    const call: ChatCall = {
      model: model.name,
      messages: prepared.messages,
      maxTokens: maxTokensFor(model, state.thread.boost_reasoning),
      temperature: model.default_temperature,
      reasoningStyle: model.supports_reasoning,
      boostReasoning: state.thread.boost_reasoning && model.supports_boost_reasoning,
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
    state.finishStream(finishReason ?? 'stop');
  } catch (error) {
    if (signal.aborted || (error instanceof UpstreamError && error.kind === 'aborted')) {
      state.abortStream();
      return;
    }
    const reason = error instanceof UpstreamError ? error.message : `provider '${providerOf(model.id)}': ${(error as Error).message}`;
    if (!(error instanceof UpstreamError)) deps.logger.error(`chat ${state.chatId}: turn failed: ${(error as Error).stack ?? reason}`);
    state.failStream(reason);
  }
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
