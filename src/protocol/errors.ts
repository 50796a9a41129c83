/**
 * The one registry of error codes that cross a process boundary. Each boundary (HTTP, LSP,
 * webview) translates an internal failure into one of these exactly once.
 */
export const ErrorCodes = {
  /** The request body or query is malformed or fails validation. */
  BadRequest: { code: 'bad_request', status: 400, lsp: -32602 },
  /** The caller is not allowed: bad Host header, foreign Origin, missing token. */
  Forbidden: { code: 'forbidden', status: 403, lsp: -32600 },
  /** No such route, provider, model or document. */
  NotFound: { code: 'not_found', status: 404, lsp: -32601 },
  /** The request was understood but cannot be carried out (unknown model, privacy). */
  Unprocessable: { code: 'unprocessable', status: 422, lsp: -32803 },
  /** Too many requests or a full queue. */
  TooMany: { code: 'too_many', status: 429, lsp: -32803 },
  /** Something broke inside the engine. */
  Internal: { code: 'internal', status: 500, lsp: -32603 },
  /** An upstream (caps server, model provider) failed or answered garbage. */
  Upstream: { code: 'upstream', status: 502, lsp: -32803 },
  /** Caps or a model are not available yet; the engine keeps retrying. */
  Unavailable: { code: 'unavailable', status: 503, lsp: -32803 },
  /** The request was cancelled by its caller. */
  Cancelled: { code: 'cancelled', status: 499, lsp: -32800 },
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]['code'];

/** Refact's error body: every non-2xx JSON answer of the engine has this shape. */
export interface ErrorBody {
  detail: string;
}
