/**
 * LSP transports: stdin/stdout (one session for the engine's life) or TCP on loopback (one
 * session per accepted socket, as refact-lsp does for xDebug setups).
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
} from 'vscode-languageserver/node';
import type { Logger } from '../services/logger';

export function startStdioLsp(bind: (connection: Connection) => void): Connection {
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  bind(connection);
  connection.listen();
  return connection;
}

export interface TcpLsp {
  port: number;
  close(): Promise<void>;
}

export async function startTcpLsp(
  host: string,
  port: number,
  bind: (connection: Connection, socket: Socket) => void,
  logger: Logger,
): Promise<TcpLsp> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (error) => logger.debug(`lsp tcp: ${error.message}`));
    const connection = createConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    bind(connection, socket);
    connection.listen();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  logger.info(`lsp: listening on tcp ${host}:${bound}`);
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
