/**
 * The chat UI in a browser tab: `GET /chat` is a page that loads the same bundle the VS Code
 * webview runs (`dist/webview/main.js` and `main.css`), and `GET /` leads there. The page is
 * served by the engine itself, so its API calls are same-origin loopback and pass the request
 * guard unchanged; its Content-Security-Policy lets it load and connect to this origin only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteModule } from '../app';
import { problem } from '../errors';

export const WebviewRoutes = { root: '/', page: '/chat', asset: '/chat/assets/:name' } as const;

const ASSETS: Record<string, string> = { 'main.js': 'text/javascript; charset=utf-8', 'main.css': 'text/css; charset=utf-8' };

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Refact TS chat</title>
<link rel="stylesheet" href="/chat/assets/main.css">
</head>
<body>
<div id="root"></div>
<script type="module" src="/chat/assets/main.js"></script>
</body>
</html>
`;

export interface WebviewDeps {
  /** The folder with the built bundle (`dist/webview`). */
  dir: string;
}

export function webviewRoutes(deps: WebviewDeps): RouteModule {
  return (app) => {
    app.get(WebviewRoutes.root, async (_request, reply) => reply.redirect(WebviewRoutes.page, 302));
    app.get(WebviewRoutes.page, async (_request, reply) =>
      reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(PAGE));
    app.get<{ Params: { name: string } }>(WebviewRoutes.asset, { schema: { params: { type: 'object', properties: { name: { type: 'string' } } } } }, async (request, reply) => {
      const type = ASSETS[request.params.name];
      if (!type) throw problem('NotFound', `no chat UI asset '${request.params.name}'`);
      let body: Buffer;
      try {
        body = await readFile(join(deps.dir, request.params.name));
      } catch {
        throw problem('NotFound', `the chat UI is not built (${request.params.name} missing): run \`node esbuild.mjs webview\``);
      }
      return reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').type(type).send(body);
    });
  };
}
