/**
 * Completion over LSP: Refact's `refact/getCompletions` (code-point columns) and
 * `refact/acceptCompletion`, and the standard LSP 3.18 `textDocument/inlineCompletion` (UTF-16
 * columns), so any LSP client gets completions. The text is the open document's; a
 * `$/cancelRequest` aborts the completion and its upstream request.
 */
import {
  InlineCompletionRequest,
  ResponseError,
  type CancellationToken,
  type Connection,
  type InlineCompletionList,
  type InlineCompletionParams,
  type ServerCapabilities,
} from 'vscode-languageserver';
import type { GetCompletionsParams, GetCompletionsResult } from '../../src/protocol/completion';
import { ErrorCodes } from '../../src/protocol/errors';
import { AcceptCompletionRequest, GetCompletionsRequest } from '../../src/protocol/lsp';
import { shouldCompleteMultiline, utf16ToCodePoint } from '../core/completion';
import type { Outcome } from '../core/outcome';
import type { CompletionService } from '../services/completion/completion-service';
import { completionInputFromLsp } from '../services/completion/requests';
import type { DocumentsService } from '../services/documents';
import { handleRequest } from './typed';

export const COMPLETION_CAPABILITIES: ServerCapabilities = { inlineCompletionProvider: true };

export interface CompletionLspDeps {
  completion: CompletionService;
  documents: DocumentsService;
}

export function bindCompletion(connection: Connection, deps: CompletionLspDeps): void {
  const { completion, documents } = deps;
  const textOf = (uri: string): string => {
    const document = documents.get(uri);
    if (!document) throw new ResponseError(ErrorCodes.BadRequest.lsp, `document ${uri} is not open: send textDocument/didOpen first`);
    return document.getText();
  };

  connection.onRequest(GetCompletionsRequest.method, async (params: GetCompletionsParams, token: CancellationToken): Promise<GetCompletionsResult> => {
    const input = completionInputFromLsp(params, textOf(params.textDocument.uri));
    const answer = value(await completion.complete(input, { signal: signalOf(token) }));
    return { choices: answer.choices, cached: answer.cached, snippet_telemetry_id: answer.snippet_telemetry_id, model: answer.model, created: answer.created, ...(answer.context ? { context: answer.context } : {}) };
  });

  handleRequest(connection, AcceptCompletionRequest, ({ snippet_telemetry_id }) => ({ success: completion.accept(snippet_telemetry_id) }));

  connection.onRequest(InlineCompletionRequest.method, async (params: InlineCompletionParams, token: CancellationToken): Promise<InlineCompletionList> => {
    const text = textOf(params.textDocument.uri);
    const line = documents.get(params.textDocument.uri)!.getText({ start: { line: params.position.line, character: 0 }, end: { line: params.position.line + 1, character: 0 } });
    const character = utf16ToCodePoint(line, params.position.character);
    const linePrefix = [...line].slice(0, character).join('');
    const input = completionInputFromLsp({ textDocument: params.textDocument, position: { line: params.position.line, character }, multiline: shouldCompleteMultiline(linePrefix) }, text);
    const answer = value(await completion.complete(input, { signal: signalOf(token) }));
    const insertText = answer.choices[0]?.code_completion ?? '';
    return { items: insertText ? [{ insertText, range: { start: params.position, end: params.position } }] : [] };
  });
}

/** The one translation of a service failure into an LSP error. */
function value<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ResponseError(ErrorCodes[outcome.kind].lsp, outcome.detail);
}

function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort(new Error('the client cancelled the request')));
  return controller.signal;
}
