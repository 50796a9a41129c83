import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Catalog } from './catalog';
import { ApiError, type ApiErrorKind } from './http/api-error';
import { guardLoopbackHost } from './http/host-guard';
import { guardOrigin } from './http/origin-guard';
import { keepRawJsonBodies } from './http/raw-body';
import type { Auth, RateLimiter } from './http/auth';
import type { Metrics } from './metrics';
import type { Downloads } from './models/downloads';
import type { LocalModels } from './models/local-models';
import type { ServerLog } from './server-log';
import type { TokenStore } from './tokens/token-store';
import { adminModelRoutes } from './routes/admin-model-routes';
import { adminRoutes } from './routes/admin-routes';
import { adminTokenRoutes } from './routes/admin-token-routes';
import { inferenceRoutes } from './routes/inference-routes';
import { infoRoutes } from './routes/info-routes';

export interface AppDeps {
  catalog: Catalog;
  metrics: Metrics;
  auth: Auth;
  limiter: RateLimiter;
  /** Local GGUF models: load, unload, placement. */
  local: LocalModels;
  /** Registry downloads started from the admin UI. */
  downloads: Downloads;
  /** Configs, weights and logs. */
  permDir: string;
  /** Listening on loopback only: requests must then name a loopback host (DNS rebinding). */
  loopbackOnly: boolean;
  /** Browser origins besides the admin page's own that may call the server (CSRF). */
  corsOrigins: readonly string[];
  /** API tokens made in the admin UI, with their limits and usage. */
  tokens: TokenStore;
  log: ServerLog;
  limits: { maxPromptChars: number; bodyLimit: number };
  /** Facts for the admin UI: devices and the start configuration (without secrets). */
  about: () => Promise<Record<string, unknown>>;
}

/** The registry's error for each status Fastify itself answers a client's mistake with. */
const CLIENT_STATUS: Partial<Record<number, ApiErrorKind>> = {
  400: 'badRequest',
  404: 'notFound',
  413: 'tooLarge',
  415: 'unsupportedMediaType',
};

/**
 * Fastify's own errors, mapped into our registry. A client error keeps its status (404, 413,
 * 415, ...) so clients can tell "fix the request" from "fix the URL or the content type".
 */
function translate(err: unknown, contentType: string | undefined): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (e.validation) return new ApiError('badRequest', `Invalid request: ${e.message ?? 'validation failed'}`);
  const status = e.statusCode ?? 500;
  if (status < 400 || status >= 500) return new ApiError('internal', e.message ?? 'internal error');
  const kind = CLIENT_STATUS[status];
  const message = status === 415 ? `Content type "${contentType ?? ''}" is not accepted; send application/json.` : (e.message ?? `request refused (${status})`);
  return kind ? new ApiError(kind, message) : new ApiError({ status, type: 'invalid_request_error', code: 'bad_request' }, message);
}

/** The app without `listen`, so tests drive it with `inject()` or a real port. */
export function buildApp(deps: AppDeps, options: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify({ bodyLimit: deps.limits.bodyLimit, ...options });
  // Proxied requests go upstream as the bytes the client sent.
  keepRawJsonBodies(app, options);

  app.setErrorHandler((err, request, reply) => {
    const e = translate(err, request.headers['content-type']);
    if (e.status >= 500) deps.log.error(`${e.code}: ${e.message}`);
    void reply.code(e.status).headers(e.headers).send(e.body());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('notFound', `No route ${request.method} ${request.url.split('?')[0]}.`);
    void reply.code(404).send(e.body());
  });

  if (deps.loopbackOnly) guardLoopbackHost(app);
  guardOrigin(app, deps.corsOrigins);
  infoRoutes(app, deps);
  inferenceRoutes(app, deps);
  adminRoutes(app, deps);
  adminTokenRoutes(app, deps);
  adminModelRoutes(app, deps);
  app.addHook('onClose', async () => deps.catalog.close());
  return app;
}
