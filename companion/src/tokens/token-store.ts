import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../http/api-error';

/** Limits an admin sets per token; null means the server default (rate) or unlimited (quotas). */
export interface TokenLimits {
  rateLimitPerMinute: number | null;
  dailyTokenQuota: number | null;
  monthlyTokenQuota: number | null;
}

export interface TokenUsage {
  /** UTC day (`YYYY-MM-DD`) and month (`YYYY-MM`) the counters below belong to. */
  day: string;
  dayTokens: number;
  month: string;
  monthTokens: number;
  totalTokens: number;
  requests: number;
  lastUsed: string | null;
}

/** One API token as stored: the secret itself is never kept, only its SHA-256. */
export interface TokenRecord extends TokenLimits {
  id: string;
  name: string;
  hash: string;
  /** The secret's first characters, so an admin can tell tokens apart. */
  hint: string;
  created: string;
  usage: TokenUsage;
}

/** A request's hold on its token's quotas: `settle` charges what it spent, `release` frees it unspent. */
export interface Reservation {
  settle(tokens: number): void;
  release(): void;
}

/** What the admin API shows of a token. */
export type TokenView = Omit<TokenRecord, 'hash'>;

const FILE = 'tokens.json';
const SAVE_DELAY_MS = 2000;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

function freshUsage(now: Date): TokenUsage {
  return { day: utcDay(now), dayTokens: 0, month: utcDay(now).slice(0, 7), monthTokens: 0, totalTokens: 0, requests: 0, lastUsed: null };
}

/** Seconds until the quota window that `kind` names starts again (next UTC midnight or month). */
function secondsUntilReset(kind: 'day' | 'month', now: Date): number {
  const next = kind === 'day'
    ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
    : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

function checkLimits(l: Partial<TokenLimits>): void {
  for (const [k, v] of Object.entries(l)) {
    if (v !== null && v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ApiError('badRequest', `"${k}" must be a whole number >= 0 or null, got ${JSON.stringify(v)}`);
  }
}

/**
 * API tokens made in the admin UI, with their limits and usage, kept in `<permDir>/tokens.json`
 * (mode 0600, replaced atomically). Usage is counted in memory and saved a moment later, so
 * the request path never waits for the disk; `flush` saves at once (on shutdown).
 */
export class TokenStore {
  private readonly byHash = new Map<string, TokenRecord>();
  /** Tokens reserved by requests in flight, by token id; in memory only, as those requests are. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly permDir: string,
    private readonly onSaveError: (err: Error) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    const path = join(permDir, FILE);
    if (!existsSync(path)) return;
    let doc: { tokens?: TokenRecord[] };
    try {
      doc = JSON.parse(readFileSync(path, 'utf8')) as { tokens?: TokenRecord[] };
    } catch (err) {
      throw new Error(`cannot read ${path}: ${(err as Error).message}; fix or remove it (API tokens live there)`);
    }
    for (const t of doc.tokens ?? []) this.byHash.set(t.hash, t);
  }

  get size(): number {
    return this.byHash.size;
  }

  list(): TokenView[] {
    return [...this.byHash.values()].map((t) => this.view(t));
  }

  /** The token a bearer secret belongs to, or undefined. */
  find(secret: string): TokenRecord | undefined {
    return this.byHash.get(hashToken(secret));
  }

  /** Makes a token; the secret is returned this once and never again. */
  create(name: string, limits: Partial<TokenLimits>): { secret: string; token: TokenView } {
    if (!name.trim()) throw new ApiError('badRequest', 'a token needs a "name"');
    if ([...this.byHash.values()].some((t) => t.name === name)) throw new ApiError('conflict', `a token named "${name}" exists already`);
    checkLimits(limits);
    const secret = `rts-${randomBytes(24).toString('base64url')}`;
    const record: TokenRecord = {
      id: `tok_${randomBytes(6).toString('hex')}`,
      name,
      hash: hashToken(secret),
      hint: secret.slice(0, 8),
      created: this.now().toISOString(),
      rateLimitPerMinute: limits.rateLimitPerMinute ?? null,
      dailyTokenQuota: limits.dailyTokenQuota ?? null,
      monthlyTokenQuota: limits.monthlyTokenQuota ?? null,
      usage: freshUsage(this.now()),
    };
    this.byHash.set(record.hash, record);
    this.saveSoon(0);
    return { secret, token: this.view(record) };
  }

  update(id: string, limits: Partial<TokenLimits>): TokenView {
    checkLimits(limits);
    const t = this.byId(id);
    for (const k of ['rateLimitPerMinute', 'dailyTokenQuota', 'monthlyTokenQuota'] as const) if (limits[k] !== undefined) t[k] = limits[k];
    this.saveSoon(0);
    return this.view(t);
  }

  revoke(id: string): void {
    this.byHash.delete(this.byId(id).hash);
    this.saveSoon(0);
  }

  /**
   * Holds `tokens` (the most the request can spend) against the token's daily and monthly
   * quotas until the request ends: checked and held in one step, so requests running at the
   * same time can never together pass a quota, as a check before and a charge after would let
   * them. Refuses with 429 `insufficient_quota` and Retry-After when the hold does not fit.
   */
  reserve(t: TokenRecord, tokens: number): Reservation {
    const now = this.now();
    const u = this.roll(t, now);
    const held = this.held.get(t.id) ?? 0;
    const fits = (quota: number | null, used: number) => quota === null || used + held + tokens <= quota;
    const kind = !fits(t.monthlyTokenQuota, u.monthTokens) ? 'month' : !fits(t.dailyTokenQuota, u.dayTokens) ? 'day' : null;
    if (kind) throw this.refusal(t, kind, tokens, held, now);
    this.held.set(t.id, held + tokens);
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      const left = (this.held.get(t.id) ?? tokens) - tokens;
      if (left > 0) this.held.set(t.id, left);
      else this.held.delete(t.id);
    };
    return {
      release,
      settle: (used) => {
        release();
        this.addUsage(t, used);
      },
    };
  }

  /** Tokens held by a token's requests in flight. */
  heldFor(t: TokenRecord): number {
    return this.held.get(t.id) ?? 0;
  }

  private refusal(t: TokenRecord, kind: 'day' | 'month', tokens: number, held: number, now: Date): ApiError {
    const quota = (kind === 'day' ? t.dailyTokenQuota : t.monthlyTokenQuota) ?? 0;
    const used = kind === 'day' ? t.usage.dayTokens : t.usage.monthTokens;
    const reset = secondsUntilReset(kind, now);
    const which = kind === 'day' ? 'daily' : 'monthly';
    const resets = `it resets in ${Math.ceil(reset / 3600)} h (UTC)`;
    if (used >= quota) {
      return new ApiError('quotaExceeded', `The token "${t.name}" has used its ${which} quota of ${quota} tokens; ${resets}.`, { headers: { 'retry-after': String(reset) } });
    }
    // It fits once the requests in flight have settled, which may free what they did not spend.
    const retry = used + tokens <= quota && held > 0 ? 1 : reset;
    const left = Math.max(0, quota - used - held);
    return new ApiError(
      'quotaExceeded',
      `The token "${t.name}" has ${left} tokens left of its ${which} quota of ${quota} (${held} held by requests in flight), and this request may spend up to ${tokens} (prompt + max_tokens); send a smaller max_tokens, or wait: ${resets}.`,
      { headers: { 'retry-after': String(retry) } },
    );
  }

  /** Counts one request's tokens against its token. */
  addUsage(t: TokenRecord, tokens: number): void {
    const now = this.now();
    const u = this.roll(t, now);
    u.dayTokens += tokens;
    u.monthTokens += tokens;
    u.totalTokens += tokens;
    u.requests += 1;
    u.lastUsed = now.toISOString();
    this.saveSoon(SAVE_DELAY_MS);
  }

  /** Saves pending changes now. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.save();
    }
    await this.writing;
  }

  private byId(id: string): TokenRecord {
    const t = [...this.byHash.values()].find((r) => r.id === id);
    if (!t) throw new ApiError('notFound', `no token with id "${id}"`);
    return t;
  }

  /** The usage counters, reset when the UTC day or month has turned since the last request. */
  private roll(t: TokenRecord, now: Date): TokenUsage {
    const u = t.usage;
    const day = utcDay(now);
    if (u.day !== day) [u.day, u.dayTokens] = [day, 0];
    if (u.month !== day.slice(0, 7)) [u.month, u.monthTokens] = [day.slice(0, 7), 0];
    return u;
  }

  private view(t: TokenRecord): TokenView {
    this.roll(t, this.now());
    const { hash: _hash, ...rest } = t;
    return structuredClone(rest);
  }

  private saveSoon(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, delayMs);
    this.timer.unref();
  }

  private save(): Promise<void> {
    const path = join(this.permDir, FILE);
    const text = JSON.stringify({ version: 1, tokens: [...this.byHash.values()] }, null, 2);
    // Writes are chained so an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    }).catch((err: Error) => this.onSaveError(err));
    return this.writing;
  }
}
