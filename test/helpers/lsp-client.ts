/** A real JSON-RPC client for the engine's LSP server, over a child's stdio or a TCP socket. */
import type { Readable, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export function lspClient(input: Readable, output: Writable): MessageConnection {
  const connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  // The engine asks to watch files after `initialized`; a client must answer server requests.
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  return connection;
}

export function initializeParams(folderUri: string) {
  return {
    processId: process.pid,
    clientInfo: { name: 'refact-ts-tests' },
    rootUri: folderUri,
    capabilities: { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    workspaceFolders: [{ uri: folderUri, name: 'fixture' }],
  };
}
