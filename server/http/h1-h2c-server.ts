/**
 * One port for HTTP/1.1 and cleartext HTTP/2 (prior knowledge), as refact-lsp serves: Refact's
 * VS Code extension talks h2c to the engine, browsers and curl talk HTTP/1.1. Each connection's
 * first bytes decide: the HTTP/2 preface goes to an HTTP/2 server, anything else to HTTP/1.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Fastify's request handler; it serves HTTP/2 compatibility requests as it serves HTTP/1.1 ones. */
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export function createH1H2cServer(handler: Handler): Server {
  const http1 = createServer(handler);
  const http2 = createHttp2Server({}, handler as unknown as (request: Http2ServerRequest, response: Http2ServerResponse) => void);
  const sessions = new Set<ServerHttp2Session>();
  http2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const http1Listeners = http1.listeners('connection') as ((socket: Socket) => void)[];
  http1.removeAllListeners('connection');
  http1.on('connection', (socket: Socket) => {
    const route = () => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) {
        socket.once('readable', route);
        return;
      }
      socket.unshift(chunk);
      if (isPrefaceStart(chunk)) http2.emit('connection', socket);
      else for (const listener of http1Listeners) listener.call(http1, socket);
    };
    socket.once('readable', route);
    socket.on('error', () => socket.destroy());
  });
  // HTTP/2 sessions are invisible to the HTTP/1.1 server's connection tracking, so closing
  // the server ends them here; otherwise one idle h2c client would hold shutdown open.
  const close = http1.close.bind(http1);
  http1.close = (callback?: (error?: Error) => void) => {
    for (const session of sessions) session.destroy();
    return close(callback);
  };
  return http1;
}

function isPrefaceStart(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, PREFACE.length);
  return n >= 3 && chunk.subarray(0, n).equals(PREFACE.subarray(0, n));
}
