import type { OpenAiErrorBody } from '../../../src/protocol/openai';

/**
 * The one error registry of the companion server: each failure a client can see has a code,
 * an HTTP status and OpenAI's error type. Routes and backends throw `ApiError`; the app's
 * error handler turns it into the OpenAI-style body exactly once.
 */
export const ApiErrors = {
  badRequest: { status: 400, type: 'invalid_request_error', code: 'bad_request' },
  promptTooLong: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  unauthorized: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  forbidden: { status: 403, type: 'permission_error', code: 'forbidden_host' },
  forbiddenOrigin: { status: 403, type: 'permission_error', code: 'forbidden_origin' },
  modelNotFound: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  notFound: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  unsupported: { status: 400, type: 'invalid_request_error', code: 'unsupported_for_model' },
  tooLarge: { status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  unsupportedMediaType: { status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' },
  queueFull: { status: 429, type: 'rate_limit_error', code: 'queue_full' },
  rateLimited: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  quotaExceeded: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  conflict: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  internal: { status: 500, type: 'server_error', code: 'internal_error' },
  upstream: { status: 502, type: 'server_error', code: 'upstream_unavailable' },
  unavailable: { status: 503, type: 'server_error', code: 'model_unavailable' },
} as const;

export type ApiErrorKind = keyof typeof ApiErrors;

/** An error's status, OpenAI type and code, for answers outside the registry (an upstream's own refusal). */
export interface ErrorShape {
  status: number;
  type: string;
  code: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** Extra response headers, such as `Retry-After` on 429. */
  readonly headers: Record<string, string>;
  readonly param: string | null;

  constructor(kind: ApiErrorKind | ErrorShape, message: string, opts: { headers?: Record<string, string>; param?: string | null } = {}) {
    super(message);
    const e = typeof kind === 'string' ? ApiErrors[kind] : kind;
    this.status = e.status;
    this.type = e.type;
    this.code = e.code;
    this.headers = opts.headers ?? {};
    this.param = opts.param ?? null;
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

/** Thrown when the client went away; nothing is written back. */
export class ClientGone extends Error {
  constructor() {
    super('client disconnected');
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof ClientGone || (err instanceof Error && (err.name === 'AbortError' || err.message === 'client disconnected'));
}
