import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';

async function post(engine: EngineProcess, path: string, body: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: await response.json() };
}

describe('LSP-less HTTP routes', () => {
  let engine: EngineProcess;
  const project = tempDir('lsp-like');
  before(async () => {
    mkdirSync(join(project, 'src'), { recursive: true });
    for (const name of ['a.ts', 'b.py', 'c.rs']) writeFileSync(join(project, 'src', name), 'x\n');
    mkdirSync(join(project, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'dep', 'index.js'), 'x\n');
    engine = await startEngineProcess({ args: ['--verbose'] });
  });
  after(() => engine.stop());

  it('initializes the workspace and counts its indexable files', async () => {
    const result = await post(engine, '/v1/lsp-initialize', JSON.stringify({ project_roots: [pathToFileURL(project).href] }));
    assert.deepEqual(result, { status: 200, json: { success: 1, files_found: 3 } });
  });

  it('accepts document text, folders and the active document', async () => {
    const uri = pathToFileURL(join(project, 'src', 'a.ts')).href;
    assert.deepEqual(await post(engine, '/v1/lsp-did-changed', JSON.stringify({ uri, text: 'const a = 2;\n' })), { status: 200, json: { success: 1 } });
    assert.deepEqual(await post(engine, '/v1/lsp-set-active-document', JSON.stringify({ uri })), { status: 200, json: { success: true } });
    assert.deepEqual(await post(engine, '/v1/lsp-add-folder', JSON.stringify({ uri: pathToFileURL(tempDir('second')).href })), { status: 200, json: { success: 1 } });
    assert.deepEqual(await post(engine, '/v1/lsp-remove-folder', JSON.stringify({ uri: pathToFileURL(project).href })), { status: 200, json: { success: 1 } });
  });

  const bad: [string, string, RegExp][] = [
    ['/v1/lsp-initialize', '{"project_roots": [', /json/i],
    ['/v1/lsp-initialize', '{}', /project_roots/],
    ['/v1/lsp-did-changed', '{"uri": "file:///x.ts"}', /text/],
    ['/v1/lsp-add-folder', '{"uri": "https://example.com/repo"}', /not a file URI/],
    ['/v1/lsp-set-active-document', '[]', /object/],
  ];
  for (const [path, body, reason] of bad) {
    it(`answers 400 with a reason to ${path} ${body}`, async () => {
      const result = await post(engine, path, body);
      assert.equal(result.status, 400);
      assert.match(result.json.detail, reason);
    });
  }

  it('keeps serving after the bad requests', async () => {
    assert.equal((await fetch(`${engine.baseUrl}/v1/ping`)).status, 200);
  });
});
