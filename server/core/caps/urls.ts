/** Where caps are fetched from, and how relative endpoints in a caps document are resolved. */
import { CAPS_PATHS } from '../../../src/protocol/caps';

/** `--address-url Refact` means Refact's cloud, as in refact-lsp. */
const REFACT_CLOUD_CAPS = 'https://app.refact.ai/coding_assistant_caps.json';

export type UrlResult = { ok: true; url: string } | { ok: false; error: string };
export type UrlsResult = { ok: true; urls: string[] } | { ok: false; error: string };

/**
 * The caps URLs to try in order. Unlike Refact's plain URL join, a base path without a trailing
 * slash is treated as a folder, so `http://host/refact` finds `http://host/refact/refact-caps`
 * instead of silently dropping the `refact` segment.
 */
export function capsUrls(addressUrl: string): UrlsResult {
  if (addressUrl.toLowerCase() === 'refact') return { ok: true, urls: [REFACT_CLOUD_CAPS] };
  let base: URL;
  try {
    base = new URL(addressUrl);
  } catch {
    return { ok: false, error: `address URL '${addressUrl}' is not a valid URL` };
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    return { ok: false, error: `address URL '${addressUrl}' must start with http:// or https://` };
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.search = '';
  base.hash = '';
  return { ok: true, urls: CAPS_PATHS.map((path) => new URL(path, base).toString()) };
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Resolves an endpoint against the URL its caps document came from. Absolute and empty values
 * are kept as they are; `$MODEL` placeholders survive resolution for later substitution.
 */
export function resolveAgainst(capsUrl: string, maybeRelative: string): UrlResult {
  if (maybeRelative === '' || ABSOLUTE.test(maybeRelative)) return { ok: true, url: maybeRelative };
  try {
    const resolved = new URL(maybeRelative, capsUrl).toString();
    // URL escapes `$` nowhere, but keep the placeholder readable if a future runtime does.
    return { ok: true, url: resolved.replaceAll('%24MODEL', '$MODEL') };
  } catch {
    return { ok: false, error: `cannot resolve '${maybeRelative}' against '${capsUrl}'` };
  }
}

/** Fills `$MODEL` in an endpoint template. */
export function endpointFor(template: string, model: string): string {
  return template.replaceAll('$MODEL', model);
}
