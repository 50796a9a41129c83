import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]', '::1'];

function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase();
  return LOOPBACK_NAMES.includes(n) || n.startsWith('127.');
}

/** Whether the server was asked to listen on a loopback address only. */
export const isLoopbackBind = isLoopbackName;

/** The name part of a `Host` header: `[::1]:8008` → `[::1]`, `localhost:8008` → `localhost`. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  return header.split(':')[0] ?? '';
}

/**
 * DNS-rebinding protection for a server bound to loopback: a page on another site that points
 * its name at 127.0.0.1 reaches this port with its own name in `Host`, and without an admin
 * token the admin API (tokens, model loading, imports) would be open to it. A server listening
 * on the network is addressed by whatever names a team uses, so it is not checked; it should
 * have an admin token.
 */
export function guardLoopbackHost(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!isLoopbackName(hostName(request.headers.host ?? ''))) {
      throw new ApiError('forbidden', `Host "${request.headers.host ?? ''}" is not a loopback name; this server listens on loopback only (start it with --host 0.0.0.0 to serve other names)`);
    }
  });
}
