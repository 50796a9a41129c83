/**
 * The one loopback rule of both servers: the engine's Host and Origin checks and the
 * companion's Host check and bind address all ask here, so the two cannot drift apart again.
 * A loopback name is `localhost`, `[::1]`, or a dotted-quad IPv4 address in 127.0.0.0/8 (four
 * decimal octets, each 0-255). Nothing else: `127.attacker.example` is a DNS name anyone can
 * point at 127.0.0.1, which is exactly what a DNS-rebinding page does.
 */

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 address in 127.0.0.0/8. */
export function isLoopbackIpv4(name: string): boolean {
  const m = DOTTED_QUAD.exec(name);
  if (!m) return false;
  const octets = m.slice(1).map(Number);
  return octets[0] === 127 && octets.every((o) => o <= 255);
}

/** A host name as a URL or `Host` header writes it, without port: IPv6 in brackets. */
export function isLoopbackHostname(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'localhost' || n === '[::1]' || isLoopbackIpv4(n);
}

/**
 * The name of a `Host` header (`[::1]:8008` → `[::1]`, `localhost:8008` → `localhost`), or
 * null when the header is not `name[:port]`: a bare `::1` is not a valid Host.
 */
export function hostHeaderName(header: string): string | null {
  const m = /^(\[[0-9A-Fa-f:.]*\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header);
  return m ? m[1]! : null;
}

/** A `Host` header that names a loopback interface, any port. */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  const name = header ? hostHeaderName(header) : null;
  return name !== null && isLoopbackHostname(name);
}

/** An address to listen on that is loopback only; here a bare `::1` is how it is written. */
export function isLoopbackBindAddress(address: string): boolean {
  return address === '::1' || isLoopbackHostname(address);
}

/**
 * An `Origin` header of an http(s) page, exactly as browsers write it (`scheme://host[:port]`,
 * no path, no default port), parsed; null for anything else (`null`, `file://`, a path).
 */
export function parseWebOrigin(origin: string): URL | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin ? url : null;
}
