/**
 * What the session loop asks of the chat-context service before each model request (the
 * service itself, with @-commands, prompts per mode, project instructions, history fitting and
 * privacy, lives in `turn-context.ts`). Declared here too so the loop builds and runs before
 * that service is wired; the two are the same shape, so either fits where the other is asked.
 * The pass-through sends the chat as it is, with no context added.
 */
import type { ChatActiveFile } from '../../../src/protocol/at-commands';
import type { ChatMessage, ChatThread, ChatUserContent } from '../../../src/protocol/chat';
import type { ChatMessage as OpenAIChatMessage } from '../../../src/protocol/openai';
import type { ChatModelRecord } from '../../core/caps/model';
import { toOpenAIMessages } from '../../core/chat/to-openai';

export interface TurnContext {
  /** On a new user message: its @-commands' context messages (inserted before it) and warnings. */
  expandUserMessage(thread: ChatThread, content: ChatUserContent, signal: AbortSignal, editor?: { active_file?: ChatActiveFile | null }): Promise<{ contextMessages: ChatMessage[]; warnings: string[] }>;
  /** Before each model request: the messages to send. */
  prepareRequest(thread: ChatThread, messages: ChatMessage[], model: ChatModelRecord, signal: AbortSignal): Promise<{ messages: OpenAIChatMessage[]; warnings: string[] }>;
}

export const passThroughTurnContext: TurnContext = {
  expandUserMessage: async () => ({ contextMessages: [], warnings: [] }),
  prepareRequest: async (_thread, messages) => ({ messages: toOpenAIMessages(messages), warnings: [] }),
};
