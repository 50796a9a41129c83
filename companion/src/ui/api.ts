/** Fetch helpers for the admin page: JSON in and out, errors as the server's message. */

export interface Sent<T> {
  ok: boolean;
  status: number;
  data: T | null;
  error: string;
}

export async function send<T = unknown>(method: string, url: string, body?: unknown): Promise<Sent<T>> {
  const r = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const data = (await r.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  return { ok: r.ok, status: r.status, data: r.ok ? data : null, error: r.ok ? '' : (data?.error?.message ?? `HTTP ${r.status}`) };
}

export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.round(n / 1e3)} kB`;
}

/** A number input's value as a limit: empty means none (null). */
export function limitOf(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}
