/**
 * A small `fetch`-shaped GET over node:http(s). Node's global fetch cannot be told to accept a
 * self-signed certificate for one request, and `--insecure` must not turn TLS checks off for
 * the whole process (that would also cover third-party providers).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface GetInit {
  headers: Record<string, string>;
  signal: AbortSignal;
}

export interface GetResponse {
  status: number;
  text(): Promise<string>;
}

/** What the caps service needs from `fetch`; the global `fetch` satisfies it too. */
export type HttpGet = (url: string, init: GetInit) => Promise<GetResponse>;

const MAX_REDIRECTS = 5;
/** Caps documents are small; anything this big is not one. */
const MAX_BODY = 16 * 1024 * 1024;

export function createHttpGet(options: { insecure: boolean }): HttpGet {
  const get = (url: string, init: GetInit, redirects: number): Promise<GetResponse> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const tls = target.protocol === 'https:' ? { rejectUnauthorized: !options.insecure } : {};
      const req = request(target, { method: 'GET', headers: init.headers, signal: init.signal, ...tls }, (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location && redirects < MAX_REDIRECTS) {
          res.resume();
          const next = new URL(location, target);
          // The bearer token is for the Address URL's host only.
          const headers = next.origin === target.origin ? init.headers : withoutAuthorization(init.headers);
          resolve(get(next.toString(), { ...init, headers }, redirects + 1));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) req.destroy(new Error(`response from ${url} is larger than ${MAX_BODY} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status, text: async () => body });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return (url, init) => get(url, init, 0);
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}
