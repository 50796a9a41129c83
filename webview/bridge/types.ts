/**
 * What the UI needs from its host, injected into the models so they run the same in VS Code, in
 * a browser tab and in unit tests (a fake bridge). The engine is reached over HTTP/SSE in every
 * host; only IDE actions differ.
 */
import type { ChatCommandRequest, ChatEventEnvelope } from '../../src/protocol/chat';

export interface ChatStreamHandlers {
  /** One parsed `data:` frame of the chat's event stream. */
  onFrame(envelope: ChatEventEnvelope): void;
  /** The stream ended or failed; the model decides whether to resubscribe. */
  onClosed(reason: string): void;
}

export interface ChatStream {
  close(): void;
}

export interface CommandAnswer {
  status: number;
  body: unknown;
}

/** The engine's chat session API (`GET /v1/chats/subscribe`, `POST /v1/chats/{id}/commands`). */
export interface EngineTransport {
  subscribe(chatId: string, handlers: ChatStreamHandlers): ChatStream;
  command(chatId: string, request: ChatCommandRequest): Promise<CommandAnswer>;
}

/**
 * Editor actions. In VS Code the host performs them; a browser degrades them (copy to the
 * clipboard, download a file) and says so through `kind`.
 */
export interface IdeActions {
  kind: 'vscode' | 'browser';
  copy(text: string): Promise<void>;
  saveFile(name: string, content: string): void;
}

export interface Bridge {
  /** Where the engine's HTTP API is, e.g. `http://127.0.0.1:8001`. */
  engineBaseUrl: string;
  engine: EngineTransport;
  ide: IdeActions;
  /** Fresh ids for `client_request_id`. */
  newId(): string;
}
