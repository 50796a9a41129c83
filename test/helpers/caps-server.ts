/**
 * A real HTTP caps server for integration tests: serves scripted bodies per path, records
 * every request with its headers, and can listen on a port chosen in advance (to come up after
 * the engine, as a server that was down).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface CapsServer {
  port: number;
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Serves `body` (a string, or JSON of an object) at `path`. */
  route(path: string, body: unknown, status?: number): void;
  close(): Promise<void>;
}

export async function startCapsServer(port = 0): Promise<CapsServer> {
  const routes = new Map<string, { status: number; body: string }>();
  const requests: CapsServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, headers: req.headers });
    const route = routes.get(path) ?? { status: 404, body: JSON.stringify({ detail: `not found: ${path}` }) };
    res.writeHead(route.status, { 'content-type': 'application/json' }).end(route.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    route: (path, body, status = 200) => routes.set(path, { status, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

