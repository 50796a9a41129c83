/**
 * The extension host bundle stays small (it loads on every VS Code start) and free of heavy
 * code: a production build of `src/extension.ts` must stay under 300 KB and must not pull in
 * engine code or vscode-languageclient.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const BUDGET_BYTES = 300 * 1024;

describe('extension bundle', () => {
  it('a production build is under 300 KB and holds nothing heavy', async () => {
    const result = await build({ entryPoints: ['src/extension.ts'], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], write: false, metafile: true, logLevel: 'silent' });
    const bytes = result.outputFiles[0]!.contents.length;
    assert.ok(bytes < BUDGET_BYTES, `dist/extension.js would be ${bytes} bytes, over the ${BUDGET_BYTES}-byte budget`);
    const inputs = Object.keys(result.metafile.inputs);
    const heavy = inputs.filter((path) => /^server\/|node_modules\/(vscode-languageclient|fastify|onnxruntime|web-tree-sitter|piscina|libsql|hnswlib)/.test(path));
    assert.deepEqual(heavy, [], 'nothing heavy reaches the extension host');
  });
});
