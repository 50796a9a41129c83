/**
 * Custom LSP messages between the extension (or any LSP client) and the engine. Method names
 * follow Refact's `refact/*` namespace so Refact's own clients work against our engine.
 *
 * Messages are plain typed constants, not jsonrpc `RequestType`s: the client and server
 * libraries pin different jsonrpc versions, so each side wraps these in its own (see
 * `server/lsp/typed.ts`), and this module imports only its sibling protocol files.
 */
import type { AcceptCompletionParams, GetCompletionsParams, GetCompletionsResult } from './completion';

/** A request declared once: its method string, with params and result carried as types. */
export interface LspRequest<P, R> {
  readonly method: string;
  /** Type-only markers; never set at run time. */
  readonly _params?: P;
  readonly _result?: R;
}

function request<P, R>(method: string): LspRequest<P, R> {
  return { method };
}

export interface SetActiveDocumentParams {
  uri: string;
}
export interface SuccessResult {
  success: boolean;
}

/** Client → engine: the editor's focused document changed (used to rank context). */
export const SetActiveDocumentRequest = request<SetActiveDocumentParams, SuccessResult>('refact/setActiveDocument');

/** Client → engine: a completion at a position of an open document (Refact's shape; code-point columns). */
export const GetCompletionsRequest = request<GetCompletionsParams, GetCompletionsResult>('refact/getCompletions');

/** Client → engine: the user accepted the completion with this id; the engine prefetches the next one. */
export const AcceptCompletionRequest = request<AcceptCompletionParams, SuccessResult>('refact/acceptCompletion');

/** The server name the engine reports in `initialize`. */
export const ENGINE_SERVER_NAME = 'refact-ts';
