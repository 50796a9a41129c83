/**
 * DNS-rebinding and CSRF protection for the engine's HTTP API. The engine's tools can write files
 * and run commands, so only loopback hosts may address it and only loopback pages or VS Code
 * webviews may call it from a browser.
 */

import { isLoopbackHostHeader, isLoopbackHostname, parseWebOrigin } from '../../src/protocol/loopback';

export type GuardVerdict = { ok: true; corsOrigin: string | null } | { ok: false; reason: string };

/** The `Host` header must name a loopback interface; any port. */
export const isLoopbackHost = isLoopbackHostHeader;

/** Origins allowed to make cross-origin calls: loopback http(s) pages and VS Code webviews. */
export function isAllowedOrigin(origin: string): boolean {
  if (/^vscode-webview:\/\/[A-Za-z0-9.-]+$/.test(origin)) return true;
  const url = parseWebOrigin(origin);
  return url !== null && isLoopbackHostname(url.hostname);
}

/**
 * Decide on one request. `anyHost` is set inside a container, where the published port, not
 * the Host name, is the boundary.
 */
export function guardRequest(host: string | undefined, origin: string | undefined, anyHost: boolean): GuardVerdict {
  if (!anyHost && !isLoopbackHost(host)) {
    return { ok: false, reason: `Host '${host ?? ''}' is not a loopback address; the engine only serves localhost, [::1] and 127.x.y.z` };
  }
  if (origin === undefined) return { ok: true, corsOrigin: null };
  if (!isAllowedOrigin(origin)) {
    return { ok: false, reason: `Origin '${origin}' may not call the engine; only loopback pages and VS Code webviews may` };
  }
  return { ok: true, corsOrigin: origin };
}
