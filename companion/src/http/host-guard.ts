import type { FastifyInstance } from 'fastify';
import { isLoopbackBindAddress, isLoopbackHostHeader } from '../../../src/protocol/loopback';
import { ApiError } from './api-error';

/** Whether the server was asked to listen on a loopback address only. */
export const isLoopbackBind = isLoopbackBindAddress;

/** The refusal for a request's `Host` header, or null when it names a loopback interface. */
export function hostRefusal(host: string | undefined): ApiError | null {
  if (isLoopbackHostHeader(host)) return null;
  return new ApiError('forbidden', `Host "${host ?? ''}" is not a loopback name; this server listens on loopback only (start it with --host 0.0.0.0 to serve other names)`);
}

/**
 * DNS-rebinding protection for a server bound to loopback: a page on another site that points
 * its name at 127.0.0.1 reaches this port with its own name in `Host`, and without an admin
 * token the admin API (tokens, model loading, imports) would be open to it. A server listening
 * on the network is addressed by whatever names a team uses, so it is not checked; it should
 * have an admin token. The rule is the engine's too (`src/protocol/loopback.ts`).
 */
export function guardLoopbackHost(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const refusal = hostRefusal(request.headers.host);
    if (refusal) throw refusal;
  });
}
