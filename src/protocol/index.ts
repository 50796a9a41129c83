export * from './errors';
export * from './caps';
export * from './http';
export * from './lsp';
export * from './webview';
export * from './workspace';
export * from './openai';
export * from './completion';
export * from './chat';
export * from './tools';
// `openai.ts` and `chat.ts` both declare a `ChatMessage`: here it means OpenAI's wire message,
// and a chat session's message is `SessionChatMessage` (import `./chat` directly for its name).
export type { ChatMessage } from './openai';
export type { ChatMessage as SessionChatMessage } from './chat';
