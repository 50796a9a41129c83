import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

/** The bearer token of a request, or null. */
export function bearerOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? (m[1] ?? null) : null;
}

/**
 * Who may call `/v1/*`: the API tokens and the admin token. With none configured the API is
 * open (a local, single-user setup), as Refact's server is without `REFACT_ADMIN_TOKEN`.
 */
export class Auth {
  private readonly accepted: Set<string>;

  constructor(apiTokens: string[], private readonly adminToken: string | null) {
    this.accepted = new Set([...apiTokens, ...(adminToken ? [adminToken] : [])]);
  }

  get open(): boolean {
    return this.accepted.size === 0;
  }

  /** The caller's identity for quotas and affinity; throws 401 when a token is required and wrong. */
  check(request: FastifyRequest): string {
    const token = bearerOf(request);
    if (this.open) return token ?? 'anonymous';
    if (token === null) throw new ApiError('unauthorized', 'This server requires an API key: send "Authorization: Bearer <token>".');
    if (!this.accepted.has(token)) throw new ApiError('unauthorized', 'The API key is not valid for this server.');
    return token;
  }

  /** The admin UI and API: open when no admin token is set. */
  checkAdmin(request: FastifyRequest): void {
    if (!this.adminToken) return;
    const cookie = /(?:^|;\s*)refact_admin=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    const token = bearerOf(request) ?? (cookie ? decodeURIComponent(cookie) : null);
    if (token !== this.adminToken) throw new ApiError('unauthorized', 'The admin token is missing or wrong.');
  }
}

/**
 * Per-token requests-per-minute limit in fixed one-minute windows. Owned by the app, so
 * nothing survives between app instances.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  take(caller: string): void {
    if (this.perMinute <= 0) return;
    const t = this.now();
    let w = this.windows.get(caller);
    if (!w || t - w.start >= 60_000) this.windows.set(caller, (w = { start: t, count: 0 }));
    if (w.count >= this.perMinute) {
      const after = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      throw new ApiError('rateLimited', `Rate limit of ${this.perMinute} requests per minute reached; retry in ${after} s.`, { headers: { 'retry-after': String(after) } });
    }
    w.count += 1;
  }
}
