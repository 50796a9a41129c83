/**
 * Opening a server-sent event stream from a fastify route: the reply is hijacked (fastify stops
 * managing it) and the headers fastify would have sent (CORS from the request guard) go with
 * the stream's own.
 */
import type { FastifyReply } from 'fastify';
import type { SseTarget } from '../../services/chat/sse-fanout';

export function openEventStream(reply: FastifyReply): SseTarget {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = String(value);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  // Small frames must leave at once, not wait for Nagle's algorithm.
  raw.socket?.setNoDelay(true);
  return raw as unknown as SseTarget;
}
