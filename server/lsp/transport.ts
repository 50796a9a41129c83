/**
 * LSP transports: stdin/stdout (one session for the engine's life) or TCP on loopback (one
 * session per accepted socket, as refact-lsp does for xDebug setups).
 *
 * Connections are built on the library's transport-neutral `createConnection` with our own
 * watchdog, because the node flavour calls `process.exit` on `exit`, on stream end and when the
 * client process dies. The engine must instead dispose its services in order, and a TCP
 * session's end must not stop an engine that serves other clients.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { createConnection, type Connection, type InitializeParams } from 'vscode-languageserver';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { Logger } from '../services/logger';

export interface SessionHooks {
  /** `exit` arrived: code 0 after `shutdown`, 1 without; or the client process died (1). */
  onExit(code: number): void;
  /** Poll the client's `processId` from `initialize` and end the session when it is gone. */
  watchClientProcess: boolean;
}

export interface LspSession {
  connection: Connection;
  dispose(): void;
}

const CLIENT_POLL_MS = 3000;

export function openSession(input: Readable, output: Writable, hooks: SessionHooks): LspSession {
  let shutdownReceived = false;
  let clientWatch: NodeJS.Timeout | undefined;
  const watchDog = {
    initialize(params: InitializeParams) {
      const pid = params.processId;
      if (!hooks.watchClientProcess || typeof pid !== 'number' || clientWatch) return;
      clientWatch = setInterval(() => {
        if (!processAlive(pid)) hooks.onExit(1);
      }, CLIENT_POLL_MS).unref();
    },
    get shutdownReceived() {
      return shutdownReceived;
    },
    set shutdownReceived(value: boolean) {
      shutdownReceived = value;
    },
    exit: (code: number) => hooks.onExit(code),
  };
  const connection = createConnection(
    (logger) => createProtocolConnection(new StreamMessageReader(input), new StreamMessageWriter(output), logger),
    watchDog,
  );
  return {
    connection,
    dispose() {
      clearInterval(clientWatch);
      connection.dispose();
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface TcpLsp {
  port: number;
  close(): Promise<void>;
}

/** Listens on loopback; `bind` gets each accepted socket's session and must call `listen()`. */
export async function startTcpLsp(host: string, port: number, bind: (socket: Socket) => void, logger: Logger): Promise<TcpLsp> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (error) => logger.debug(`lsp tcp: ${error.message}`));
    bind(socket);
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
