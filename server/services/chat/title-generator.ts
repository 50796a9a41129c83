/**
 * Names a chat after its first exchange with the caps' light chat model (the chat's own model
 * when caps name no light one). Best effort: a failure is logged and the chat keeps "New Chat".
 */
import { cleanTitle, titleRequest } from '../../core/chat/title';
import type { ChatMessage } from '../../../src/protocol/chat';
import type { Logger } from '../logger';
import { postChat } from '../upstream/chat-completions';
import type { UpstreamClient } from '../upstream/upstream-client';
import { chooseModel, targetOf, type TurnDeps } from './session-loop';

const TITLE_MAX_TOKENS = 32;
const TITLE_TIMEOUT_MS = 60_000;

export async function generateTitle(
  messages: readonly ChatMessage[], chatModel: string,
  deps: { caps: TurnDeps['caps']; upstream: UpstreamClient; logger: Logger }, signal: AbortSignal,
): Promise<string | null> {
  const caps = await deps.caps.getCaps();
  const light = caps.ok ? caps.caps.defaults.chat_light_model : '';
  const chosen = chooseModel(caps, light || chatModel);
  if (!chosen.ok) {
    deps.logger.warn(`chat title: ${chosen.error}`);
    return null;
  }
  try {
    const piece = await postChat(deps.upstream, targetOf(chosen.model), {
      model: chosen.model.name,
      messages: titleRequest(messages),
      maxTokens: TITLE_MAX_TOKENS,
      temperature: null,
      reasoningStyle: chosen.model.supports_reasoning,
      boostReasoning: false,
    }, { signal, timeoutMs: TITLE_TIMEOUT_MS });
    return cleanTitle(piece.content ?? '');
  } catch (error) {
    if (!signal.aborted) deps.logger.warn(`chat title: ${(error as Error).message}`);
    return null;
  }
}
