import type { FastifyRequest } from 'fastify';
import type { TokenRecord, TokenStore } from '../tokens/token-store';
import { ApiError } from './api-error';

/** The bearer token of a request, or null. */
export function bearerOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? (m[1] ?? null) : null;
}

/** Who is asking: `key` names the caller for rate limits and affinity; `token` is set for admin-made tokens. */
export interface Caller {
  key: string;
  token: TokenRecord | null;
}

/**
 * Who may call `/v1/*`: the `--api-token`s, the admin token, and the tokens made in the admin
 * UI (kept hashed in the token store). With none of them the API is open (a local, single-user
 * setup), as Refact's server is without `REFACT_ADMIN_TOKEN`.
 */
export class Auth {
  private readonly accepted: Set<string>;

  constructor(apiTokens: string[], private readonly adminToken: string | null, private readonly store: TokenStore) {
    this.accepted = new Set([...apiTokens, ...(adminToken ? [adminToken] : [])]);
  }

  get open(): boolean {
    return this.accepted.size === 0 && this.store.size === 0;
  }

  /** The caller; throws 401 when a token is required and missing or wrong. */
  check(request: FastifyRequest): Caller {
    const secret = bearerOf(request);
    if (this.open) return { key: secret ?? 'anonymous', token: null };
    if (secret === null) throw new ApiError('unauthorized', 'This server requires an API key: send "Authorization: Bearer <token>".');
    if (this.accepted.has(secret)) return { key: secret, token: null };
    const token = this.store.find(secret);
    if (!token) throw new ApiError('unauthorized', 'The API key is not valid for this server.');
    return { key: token.id, token };
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
 * Per-caller requests-per-minute limit in fixed one-minute windows. Owned by the app, so
 * nothing survives between app instances.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Counts one request; `perMinute` overrides the server's limit for this caller (0 = unlimited). */
  take(caller: string, perMinute: number | null = null): void {
    const limit = perMinute ?? this.perMinute;
    if (limit <= 0) return;
    const t = this.now();
    let w = this.windows.get(caller);
    if (!w || t - w.start >= 60_000) this.windows.set(caller, (w = { start: t, count: 0 }));
    if (w.count >= limit) {
      const after = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      throw new ApiError('rateLimited', `Rate limit of ${limit} requests per minute reached; retry in ${after} s.`, { headers: { 'retry-after': String(after) } });
    }
    w.count += 1;
  }
}
