/**
 * The engine's HTTP application: built here, listened on only by `server/main.ts`, and driven
 * with `inject()` in tests. Every route comes in as a module from the composition root.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { guardRequest } from '../core/request-guard';
import type { Logger } from '../services/logger';
import { handleError, replyError } from './errors';
import { createH1H2cServer } from './h1-h2c-server';

export type RouteModule = (app: FastifyInstance) => void;

export interface AppOptions {
  /** Inside a container any Host is served; the published port is the boundary. */
  anyHost: boolean;
  logger: Logger;
  routes: RouteModule[];
}

/** Refact's limit on request bodies. */
const BODY_LIMIT = 15 * 1024 * 1024;

export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    serverFactory: (handler) => createH1H2cServer(handler),
  });
  app.addHook('onRequest', async (request, reply) => {
    // `request.host` is the Host header over HTTP/1.1 and `:authority` over HTTP/2.
    const verdict = guardRequest(request.host || undefined, request.headers.origin, options.anyHost);
    if (!verdict.ok) {
      options.logger.warn(`refused ${request.method} ${request.url}: ${verdict.reason}`);
      return replyError(reply, 403, verdict.reason);
    }
    if (verdict.corsOrigin) {
      reply.header('access-control-allow-origin', verdict.corsOrigin);
      reply.header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
        reply.header('access-control-allow-headers', 'Authorization, Content-Type');
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }
    return undefined;
  });
  app.setErrorHandler((error: Error, request, reply) => handleError(error, request, reply, options.logger));
  app.setNotFoundHandler((request, reply) => replyError(reply, 404, `no handler for ${request.url.split('?')[0]}`));
  for (const route of options.routes) route(app);
  return app;
}
