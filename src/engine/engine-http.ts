/**
 * The few engine HTTP calls the extension host makes itself (caps for the model name, the
 * index status for file limits). Errors become a short reason for the status bar; the engine's
 * `{"detail": ...}` body is the reason when it sent one.
 */
import type { EngineCaps } from '../protocol/http';
import { HttpRoutes } from '../protocol/http';
import { IndexRoutes, type RagStatus } from '../protocol/workspace';

export type HttpResult<T> = { ok: true; value: T } | { ok: false; reason: string; status: number | null };

export async function getJson<T>(port: number, route: string, signal?: AbortSignal): Promise<HttpResult<T>> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, { signal });
    const text = await response.text();
    if (response.ok) return { ok: true, value: JSON.parse(text) as T };
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // Not JSON: the raw text is the reason.
    }
    return { ok: false, reason: `${response.status}: ${detail}`, status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, reason: cause ?? (error as Error).message, status: null };
  }
}

export const getCaps = (port: number, signal?: AbortSignal) => getJson<EngineCaps>(port, HttpRoutes.caps, signal);
export const getRagStatus = (port: number, signal?: AbortSignal) => getJson<RagStatus>(port, IndexRoutes.ragStatus, signal);
