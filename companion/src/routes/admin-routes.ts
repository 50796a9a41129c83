import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { ApiError } from '../http/api-error';

/** The admin UI's page; the Preact bundle (`dist/ui/app.js`) renders into it. */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Refact TS server</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 20px;font-weight:600}
main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f4}
.row{margin-top:8px}input[type=number]{width:7em}code.secret{background:#fff5d6;padding:2px 4px}
.ok{color:#17803d}.bad{color:#b42318}pre{max-height:300px;overflow:auto;background:#0f1320;color:#cfd6e4;padding:8px;font-size:12px}
</style></head>
<body><header>Refact TS server</header><main id="app">Loading…</main>
<script type="module" src="/ui/app.js"></script></body></html>`;

function uiBundlePath(): string | null {
  // In the bundle, this file is dist/main.js and the UI sits at dist/ui/app.js.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'ui', 'app.js'), join(here, '..', '..', 'dist', 'ui', 'app.js')]) if (existsSync(p)) return p;
  return null;
}

/** `/` (UI), `/ui/app.js`, `/admin/api/state`, `/admin/login`: behind the admin token when set. */
export function adminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { auth, catalog, log } = deps;

  app.get('/', { schema: {} }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));

  app.get('/ui/app.js', { schema: {} }, async (_req, reply) => {
    const path = uiBundlePath();
    if (!path) throw new ApiError('notFound', 'The admin UI is not built; run "npm run build" in companion/.');
    return reply.type('text/javascript; charset=utf-8').send(await readFile(path, 'utf8'));
  });

  app.post('/admin/login', { schema: { body: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } } }, async (request, reply) => {
    const { token } = request.body as { token: string };
    request.headers.authorization = `Bearer ${token}`;
    auth.checkAdmin(request);
    return reply.header('set-cookie', `refact_admin=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`).send({ success: true });
  });

  app.get('/admin/api/state', { schema: {} }, async (request) => {
    auth.checkAdmin(request);
    return {
      models: catalog.all().map((b) => ({ ...b.info, stats: b.stats() })),
      caps_version: catalog.version,
      api_auth: auth.open ? 'open' : 'bearer tokens',
      about: await deps.about(),
      log: log.tail(200),
    };
  });
}
