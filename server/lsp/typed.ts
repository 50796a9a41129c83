/** Binds the protocol module's plain request constants to this side's jsonrpc connection. */
import type { Connection } from 'vscode-languageserver/node';
import type { LspRequest } from '../../src/protocol/lsp';

export function handleRequest<P, R>(connection: Connection, request: LspRequest<P, R>, handler: (params: P) => R | Promise<R>): void {
  connection.onRequest(request.method, async (params: unknown): Promise<unknown> => handler(params as P));
}
