/**
 * The engine's browser page for the chat UI (`server/http/routes/webview.ts`) through `inject()`:
 * the page, its Content-Security-Policy, the two bundle files, and clear 404s for anything else
 * or a bundle not built yet. The request guard still applies: a foreign Host is refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../../server/http/app';
import { webviewRoutes } from '../../server/http/routes/webview';
import { tempDir } from '../helpers/engine-process';
import { quietLogger } from '../helpers/scripted-chat-upstream';

function appWith(dir: string) {
  return buildApp({ anyHost: false, logger: quietLogger, routes: [webviewRoutes({ dir })] });
}

describe('webview route', () => {
  it('serves the page with a same-origin CSP and the built bundle', async () => {
    const dir = tempDir('webview-route');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), 'console.log(1);');
    writeFileSync(join(dir, 'main.css'), 'body{}');
    const app = appWith(dir);
    const headers = { host: '127.0.0.1:8001' };
    const page = await app.inject({ url: '/chat', headers });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<script type="module" src="\/chat\/assets\/main.js">/);
    assert.match(page.headers['content-security-policy'] as string, /script-src 'self'; .*connect-src 'self'/);
    const js = await app.inject({ url: '/chat/assets/main.js', headers });
    assert.deepEqual([js.statusCode, js.body, js.headers['content-type']], [200, 'console.log(1);', 'text/javascript; charset=utf-8']);
    const other = await app.inject({ url: '/chat/assets/..%2Fsecret', headers });
    assert.equal(other.statusCode, 404);
    assert.match(other.json().detail, /no chat UI asset/);
    const root = await app.inject({ url: '/', headers });
    assert.deepEqual([root.statusCode, root.headers.location], [302, '/chat']);
    const foreign = await app.inject({ url: '/chat', headers: { host: 'evil.example:8001' } });
    assert.equal(foreign.statusCode, 403);
    await app.close();
  });

  it('says how to build the bundle when it is missing', async () => {
    const app = appWith(join(tempDir('webview-route-empty'), 'nothing'));
    const css = await app.inject({ url: '/chat/assets/main.css', headers: { host: 'localhost' } });
    assert.equal(css.statusCode, 404);
    assert.match(css.json().detail, /not built .*node esbuild\.mjs webview/);
    await app.close();
  });
});
