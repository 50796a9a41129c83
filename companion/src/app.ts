import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Catalog } from './catalog';
import { ApiError } from './http/api-error';
import { guardLoopbackHost } from './http/host-guard';
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
  /** API tokens made in the admin UI, with their limits and usage. */
  tokens: TokenStore;
  log: ServerLog;
  limits: { maxPromptChars: number; bodyLimit: number };
  /** Facts for the admin UI: devices and the start configuration (without secrets). */
  about: () => Promise<Record<string, unknown>>;
}

/** Fastify's own error codes that are the client's fault, mapped into our registry. */
function translate(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (e.validation) return new ApiError('badRequest', `Invalid request: ${e.message ?? 'validation failed'}`);
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('tooLarge', e.message ?? 'request body too large');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ApiError('badRequest', e.message ?? 'bad request');
  return new ApiError('internal', e.message ?? 'internal error');
}

/** The app without `listen`, so tests drive it with `inject()` or a real port. */
export function buildApp(deps: AppDeps, options: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify({ bodyLimit: deps.limits.bodyLimit, ...options });
  // Proxied requests go upstream as the bytes the client sent.
  keepRawJsonBodies(app, options);

  app.setErrorHandler((err, _request, reply) => {
    const e = translate(err);
    if (e.status >= 500) deps.log.error(`${e.code}: ${e.message}`);
    void reply.code(e.status).headers(e.headers).send(e.body());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('notFound', `No route ${request.method} ${request.url.split('?')[0]}.`);
    void reply.code(404).send(e.body());
  });

  if (deps.loopbackOnly) guardLoopbackHost(app);
  infoRoutes(app, deps);
  inferenceRoutes(app, deps);
  adminRoutes(app, deps);
  adminTokenRoutes(app, deps);
  adminModelRoutes(app, deps);
  app.addHook('onClose', async () => deps.catalog.close());
  return app;
}
