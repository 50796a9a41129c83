/**
 * The webview bundle stays within its budget (`scripts/webview-build.mjs` says why that size):
 * a production build with the shipped options, in memory, measured minified and gzipped.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
// @ts-expect-error: a plain .mjs module without type declarations.
import { webviewOptions, WEBVIEW_JS_BUDGET_BYTES, WEBVIEW_JS_GZIP_BUDGET_BYTES } from '../../scripts/webview-build.mjs';

describe('webview bundle budget', () => {
  it('builds main.js under the minified and gzipped budgets, with the Markdown renderer and sanitizer inside', async () => {
    const result = await esbuild.build({ ...webviewOptions, bundle: true, minify: true, write: false, logLevel: 'silent', metafile: true });
    const js = result.outputFiles?.find((f) => f.path.endsWith('main.js'));
    assert.ok(js, 'the build wrote main.js');
    const inputs = Object.keys(result.metafile?.inputs ?? {}).join('\n');
    assert.match(inputs, /node_modules\/marked\//);
    assert.match(inputs, /node_modules\/dompurify\//);
    const gzipped = gzipSync(js.contents, { level: 9 }).length;
    assert.ok(js.contents.length <= WEBVIEW_JS_BUDGET_BYTES, `main.js is ${js.contents.length} bytes, over the ${WEBVIEW_JS_BUDGET_BYTES}-byte budget`);
    assert.ok(gzipped <= WEBVIEW_JS_GZIP_BUDGET_BYTES, `main.js is ${gzipped} bytes gzipped, over the ${WEBVIEW_JS_GZIP_BUDGET_BYTES}-byte budget`);
  });
});
