/**
 * Each chat's tool state (what its model read, tools allowed for the chat), kept for the chats
 * in use: the session loop and the stateless tool routes share it by chat id. The least
 * recently used chats are forgotten past a bound, so a long-running engine does not grow.
 */
import { newChatToolState, type ChatToolState } from './tool-registry';

const MAX_CHATS = 200;

export class ChatToolStates {
  private readonly states = new Map<string, ChatToolState>();

  get(chatId: string): ChatToolState {
    let state = this.states.get(chatId);
    if (state) this.states.delete(chatId);
    else state = newChatToolState();
    this.states.set(chatId, state);
    if (this.states.size > MAX_CHATS) this.states.delete(this.states.keys().next().value!);
    return state;
  }

  /** "Allow for this chat": later calls of the tool in this chat do not ask (denials still hold). */
  allow(chatId: string, toolName: string): void {
    this.get(chatId).allowedForChat.add(toolName);
  }

  forget(chatId: string): void {
    this.states.delete(chatId);
  }
}
