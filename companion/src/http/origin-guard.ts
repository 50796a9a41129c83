import type { FastifyInstance } from 'fastify';
import { parseWebOrigin } from '../../../src/protocol/loopback';
import { ApiError } from './api-error';

/** Methods and headers a configured origin may use across origins. */
const ALLOW_METHODS = 'GET, POST, PATCH, PUT, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type';
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * An origin as browsers send it (`scheme://host[:port]`, lower case, no path), or null when
 * `text` is not one. `--cors-origin` values are normalized the same way before comparing.
 */
export function normalizeOrigin(text: string): string | null {
  return parseWebOrigin(text.replace(/\/$/, '').toLowerCase())?.origin ?? null;
}

/**
 * Whether a browser page at `origin` may call this server: the admin page's own origin (the
 * same host and port as the `Host` the request was sent to, over http or https, since a TLS
 * proxy may stand in front) or one of the `--cors-origin`s.
 */
export function originAllowed(origin: string, host: string | undefined, configured: ReadonlySet<string>): boolean {
  const normal = normalizeOrigin(origin);
  if (normal === null) return false;
  return configured.has(normal) || new URL(normal).host === host?.toLowerCase();
}

/**
 * CSRF protection: a page on any site can make a browser send simple requests (form posts,
 * `no-cors` fetches) to this port, and the admin API needs no token on loopback. Requests that
 * carry an `Origin` the server does not trust are refused with 403 before any route runs;
 * preflights are answered for trusted origins only. API clients send no `Origin` and are not
 * affected.
 */
export function guardOrigin(app: FastifyInstance, corsOrigins: readonly string[]): void {
  const configured = new Set(corsOrigins.map((o) => normalizeOrigin(o) ?? o));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!originAllowed(origin, request.headers.host, configured)) {
      throw new ApiError('forbiddenOrigin', `Origin "${origin}" may not call this server; start it with --cors-origin ${origin} to allow that page`);
    }
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });
  // Preflights of every path; `onRequest` above has refused untrusted origins already.
  app.options('*', async (request, reply) => {
    if (request.headers.origin === undefined || request.headers['access-control-request-method'] === undefined) {
      throw new ApiError('notFound', `No route OPTIONS ${request.url.split('?')[0]}: only CORS preflights are answered.`);
    }
    await reply
      .code(204)
      .header('access-control-allow-methods', ALLOW_METHODS)
      .header('access-control-allow-headers', ALLOW_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
      .send();
  });
}
