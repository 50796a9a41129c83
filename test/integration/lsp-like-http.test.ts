import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../server/http/app';
import { lspLikeRoutes } from '../../server/http/routes/lsp-like';
import { DocumentsService } from '../../server/services/documents';
import { createLogger } from '../../server/services/logger';
import { WorkspaceService } from '../../server/services/workspace';
import { WorkspaceFiles } from '../../server/services/workspace-files';
import { eventually, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';

async function post(engine: EngineProcess, path: string, body: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: await response.json() };
}

const uriOf = (...parts: string[]) => pathToFileURL(join(...parts)).href;

describe('LSP-less HTTP routes', () => {
  let engine: EngineProcess;
  const project = tempDir('lsp-like');
  const second = tempDir('second');
  before(async () => {
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'a.ts'), 'export function alpha(): number {\n  return 1;\n}\n');
    writeFileSync(join(project, 'src', 'b.py'), 'def beta():\n    return 2\n');
    writeFileSync(join(project, 'src', 'c.rs'), 'fn gamma() -> i32 {\n    3\n}\n');
    mkdirSync(join(project, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'dep', 'index.js'), 'x\n');
    writeFileSync(join(second, 'd.go'), 'package d\n\nfunc Delta() int {\n\treturn 4\n}\n');
    // With the AST index on, what these routes change shows in other routes.
    engine = await startEngineProcess({ args: ['--verbose', '--ast'] });
  });
  after(() => engine.stop());

  const astStatus = async () => (await fetch(`${engine.baseUrl}/v1/ast-status`)).json() as Promise<any>;
  /** The symbols the index holds for a file, or null while it is not indexed (404). */
  const symbolsOf = async (uri: string): Promise<string[] | null> => {
    const result = await post(engine, '/v1/ast-file-symbols', JSON.stringify({ file_url: uri }));
    return result.status === 200 ? result.json.map((d: any) => d.official_path.join('::')) : null;
  };
  const indexed = (what: string, files: number) =>
    eventually(what, async () => {
      const status = await astStatus();
      return status.state === 'done' && status.ast_index_files_total === files ? status : null;
    });

  it('initializes the workspace and counts its indexable files; the index then holds them', async () => {
    const result = await post(engine, '/v1/lsp-initialize', JSON.stringify({ project_roots: [pathToFileURL(project).href] }));
    assert.deepEqual(result, { status: 200, json: { success: 1, files_found: 3 } });
    await indexed('the project to be indexed', 3);
    assert.deepEqual(await symbolsOf(uriOf(project, 'src', 'b.py')), ['src::b::beta']);
  });

  it('takes document text from lsp-did-changed: the index parses the editor\'s text, not the disk', async () => {
    const uri = uriOf(project, 'src', 'a.ts');
    assert.deepEqual(await symbolsOf(uri), ['src::a::alpha']);
    assert.deepEqual(await post(engine, '/v1/lsp-did-changed', JSON.stringify({ uri, text: 'export function fromTheEditor(): void {}\n' })), { status: 200, json: { success: 1 } });
    await eventually('the edited text in the index', async () => ((await symbolsOf(uri))?.includes('src::a::fromTheEditor') ? true : null));
    assert.deepEqual(await symbolsOf(uri), ['src::a::fromTheEditor']);
  });

  it('adds and removes workspace folders: their files enter and leave the index', async () => {
    assert.deepEqual(await post(engine, '/v1/lsp-add-folder', JSON.stringify({ uri: pathToFileURL(second).href })), { status: 200, json: { success: 1 } });
    await indexed('the added folder to be indexed', 4);
    assert.deepEqual(await symbolsOf(uriOf(second, 'd.go')), ['d::Delta']);
    assert.deepEqual(await post(engine, '/v1/lsp-remove-folder', JSON.stringify({ uri: pathToFileURL(project).href })), { status: 200, json: { success: 1 } });
    await indexed('the removed folder to leave the index', 1);
    assert.equal(await symbolsOf(uriOf(project, 'src', 'b.py')), null);
  });

  it('accepts the active document', async () => {
    // Nothing over HTTP shows the active document; the in-process test below checks that it is stored.
    assert.deepEqual(await post(engine, '/v1/lsp-set-active-document', JSON.stringify({ uri: uriOf(second, 'd.go') })), { status: 200, json: { success: true } });
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

describe('LSP-less HTTP routes change the services they adapt', () => {
  const project = tempDir('lsp-like-state');
  writeFileSync(join(project, 'a.ts'), 'export const a = 1;\n');
  const documents = new DocumentsService();
  const workspace = new WorkspaceService([]);
  const logger = createLogger({ kind: 'stderr' }, 'error');
  const files = new WorkspaceFiles({ configDir: join(project, '.config'), home: project, logger, maxFiles: 100 });
  const app = buildApp({ anyHost: false, logger, routes: [lspLikeRoutes({ documents, workspace, files })] });
  after(() => app.close());
  const send = (url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: { host: '127.0.0.1:8001' } });

  it('stores the workspace, the document text and the active document', async () => {
    const uri = uriOf(project, 'a.ts');
    assert.equal((await send('/v1/lsp-initialize', { project_roots: [pathToFileURL(project).href] })).statusCode, 200);
    assert.deepEqual(workspace.list(), [project]);
    assert.equal((await send('/v1/lsp-did-changed', { uri, text: 'export const a = 2;\n' })).statusCode, 200);
    assert.equal(documents.get(uri)?.getText(), 'export const a = 2;\n');
    assert.equal((await send('/v1/lsp-set-active-document', { uri })).statusCode, 200);
    assert.equal(documents.activeUri(), uri);
    const other = tempDir('lsp-like-other');
    assert.equal((await send('/v1/lsp-add-folder', { uri: pathToFileURL(other).href })).statusCode, 200);
    assert.deepEqual(workspace.list().sort(), [project, other].sort());
    assert.equal((await send('/v1/lsp-remove-folder', { uri: pathToFileURL(project).href })).statusCode, 200);
    assert.deepEqual(workspace.list(), [other]);
  });
});
