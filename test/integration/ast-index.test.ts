import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Database from 'libsql';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';
import { initializeParams, lspClient } from '../helpers/lsp-client';

function project(): string {
  const root = tempDir('ast-project');
  writeFiles(root, {
    'src/shapes.ts': 'export class Shape {\n  area(): number {\n    return 0;\n  }\n}\n\nexport class Square extends Shape {\n  constructor(private side: number) {\n    super();\n  }\n  override area(): number {\n    return this.side * this.side;\n  }\n}\n',
    'src/main.ts': "import { Square } from './shapes';\n\nexport function total(): number {\n  const s = new Square(2);\n  return s.area();\n}\n",
    'tools/report.py': 'class Report:\n    def render(self):\n        return "ok"\n\ndef main():\n    Report().render()\n',
    'node_modules/dep/index.js': 'module.exports = function hidden() {};\n',
  });
  return root;
}

/** Rows in the one index store under `cacheDir`, read directly (after the engine is gone). */
function storedRows(cacheDir: string): number {
  const dir = join(cacheDir, 'index');
  const db = new Database(join(dir, readdirSync(dir).find((name) => name.endsWith('.sqlite'))!));
  try {
    return (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function status(engine: EngineProcess): Promise<any> {
  return (await fetch(`${engine.baseUrl}/v1/ast-status`)).json();
}

const symbolNames = (json: any[]) => json.map((d) => d.official_path.join('::'));

describe('AST index in the engine', () => {
  let engine: EngineProcess;
  let root: string;
  const cacheDir = tempDir('ast-cache');
  before(async () => {
    root = project();
    engine = await startEngineProcess({ args: ['--ast', '--workspace-folder', root, '--verbose'], cacheDir });
    await eventually('index done', async () => ((await status(engine)).state === 'done' ? true : null));
  });
  after(() => engine.stop());

  it('reports Refact status fields and leaves blocklisted folders out', async () => {
    const ast = await status(engine);
    assert.equal(ast.state, 'done');
    assert.equal(ast.files_total, 3);
    assert.equal(ast.files_unparsed, 0);
    assert.equal(ast.ast_index_files_total, 3);
    assert.ok(ast.ast_index_symbols_total >= 7, JSON.stringify(ast));
    assert.equal(ast.ast_max_files_hit, false);
    assert.deepEqual(ast.failed_files, []);
    const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
    assert.equal(rag.ast_alive, 'working');
    assert.equal(rag.vecdb_alive, 'turned_off');
    assert.deepEqual(rag.ast, ast);
  });

  it('answers a file\'s symbols in Refact\'s shape, with resolved usages', async () => {
    const result = await postJson(engine, '/v1/ast-file-symbols', { file_url: pathToFileURL(join(root, 'src/shapes.ts')).href });
    assert.equal(result.status, 200);
    const names = symbolNames(result.json);
    assert.ok(names.includes('src::shapes::Square'), names.join(', '));
    assert.ok(names.includes('src::shapes::Square::area'), names.join(', '));
    const square = result.json.find((d: any) => d.official_path.join('::') === 'src::shapes::Square');
    assert.equal(square.symbol_type, 'StructDeclaration');
    assert.deepEqual(square.this_class_derived_from, ['Shape']);
    assert.equal(square.cpath, join(root, 'src/shapes.ts'));
    const main = await postJson(engine, '/v1/ast-file-symbols', { file_url: join(root, 'src/main.ts') });
    const total = main.json.find((d: any) => d.official_path.join('::') === 'src::main::total');
    const resolved = total.usages.map((u: any) => u.resolved_as);
    assert.ok(resolved.includes('src::shapes::Square::area'), JSON.stringify(total.usages));
  });

  it('dumps a file with the symbol around each line', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/ast-file-dump`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_name: join(root, 'tools/report.py') }) });
    const text = await response.text();
    assert.match(text, /^0002 {5}def render\(self\):.*tools::report::Report::render$/m);
  });

  it('picks up a file created, changed and deleted outside the editor', async () => {
    const fresh = join(root, 'src/fresh.ts');
    writeFileSync(fresh, 'export function freshlyAdded(): number {\n  return 1;\n}\n');
    await eventually('the new file', async () => {
      const r = await postJson(engine, '/v1/ast-file-symbols', { file_url: fresh });
      return r.status === 200 && symbolNames(r.json).includes('src::fresh::freshlyAdded') ? true : null;
    });
    writeFileSync(fresh, 'export function renamedLater(): number {\n  return 2;\n}\n');
    await eventually('the rename', async () => {
      const names = symbolNames((await postJson(engine, '/v1/ast-file-symbols', { file_url: fresh })).json);
      return names.includes('src::fresh::renamedLater') && !names.includes('src::fresh::freshlyAdded') ? true : null;
    });
    rmSync(fresh);
    await eventually('the deletion', async () => ((await postJson(engine, '/v1/ast-file-symbols', { file_url: fresh })).status === 404 ? true : null));
  });

  it('answers bad requests with a reason', async () => {
    assert.equal((await postJson(engine, '/v1/ast-file-symbols', {})).status, 400);
    const missing = await postJson(engine, '/v1/ast-file-symbols', { file_url: join(root, 'nope.ts') });
    assert.equal(missing.status, 404);
    assert.match(missing.json.detail, /not found/i);
  });

  it('reopens from the store without parsing again', async () => {
    await engine.stop();
    engine = await startEngineProcess({ args: ['--ast', '--workspace-folder', root], cacheDir });
    const line = await engine.waitForLog(/ast: \d+ files, .* \((\d+) reused from the store, (\d+) read/);
    assert.match(line, /\(3 reused from the store, 0 read/);
    assert.equal((await status(engine)).ast_index_files_total, 3);
  });
});

describe('AST index across a branch switch', () => {
  it('follows git checkout: files added, changed and removed by the switch', async () => {
    const root = tempDir('ast-branch');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'ignore' });
    writeFiles(root, { 'src/common.ts': 'export function onMain(): number {\n  return 1;\n}\n', 'src/only-main.ts': 'export class MainOnly {}\n' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'main');
    git('checkout', '-q', '-b', 'feature');
    rmSync(join(root, 'src/only-main.ts'));
    writeFiles(root, { 'src/common.ts': 'export function onFeature(): number {\n  return 2;\n}\n', 'src/feature/deep/only-feature.ts': 'export class FeatureOnly {}\n' });
    git('add', '-A');
    git('commit', '-q', '-m', 'feature');
    git('checkout', '-q', 'main');
    const engine = await startEngineProcess({ args: ['--ast', '--workspace-folder', root] });
    try {
      await eventually('index done', async () => ((await status(engine)).state === 'done' ? true : null));
      const symbolsOf = async (file: string) => {
        const r = await postJson(engine, '/v1/ast-file-symbols', { file_url: join(root, file) });
        return r.status === 200 ? symbolNames(r.json) : null;
      };
      assert.deepEqual(await symbolsOf('src/common.ts'), ['src::common::onMain']);
      git('checkout', '-q', 'feature');
      await eventually('the switch to feature', async () => {
        const common = await symbolsOf('src/common.ts');
        const feature = await symbolsOf('src/feature/deep/only-feature.ts');
        const gone = (await symbolsOf('src/only-main.ts')) === null;
        return common?.includes('src::common::onFeature') && feature?.includes('src::feature::deep::only-feature::FeatureOnly') && gone ? true : null;
      });
      git('checkout', '-q', 'main');
      await eventually('the switch back', async () => {
        const common = await symbolsOf('src/common.ts');
        return common?.includes('src::common::onMain') && (await symbolsOf('src/feature/deep/only-feature.ts')) === null && (await symbolsOf('src/only-main.ts')) !== null ? true : null;
      });
    } finally {
      await engine.stop();
    }
  });
});

describe('AST index under stress', () => {
  it('survives kill -9 in the middle of indexing, reuses what it stored before, and finishes on restart', async (t) => {
    const root = tempDir('ast-big');
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) {
      files[`pkg${i % 20}/mod${i}.ts`] = `import { helper${(i + 1) % 600} } from '../pkg${((i + 1) % 600) % 20}/mod${(i + 1) % 600}';\n` +
        `export class Thing${i} {\n  run(): number {\n    return helper${(i + 1) % 600}();\n  }\n}\n` +
        `export function helper${i}(): number {\n  return ${i};\n}\n`;
    }
    writeFiles(root, files);
    const cacheDir = tempDir('ast-cache');
    const first = await startEngineProcess({ args: ['--ast', '--workspace-folder', root, '--verbose'], cacheDir });
    // The signal that work is done and committed: the first chunk of outcomes is stored.
    await first.waitForLog(/ast: stored [1-9]\d* parse outcomes/, 60_000);
    first.process.kill('SIGKILL');
    await first.exited;
    const storedBeforeKill = storedRows(cacheDir);
    assert.ok(storedBeforeKill > 0);
    t.diagnostic(`${storedBeforeKill} of 600 outcomes stored before the kill`);

    const second = await startEngineProcess({ args: ['--ast', '--workspace-folder', root], cacheDir });
    try {
      const done = await eventually('the index to finish', async () => {
        const s = await status(second);
        return s.state === 'done' ? s : null;
      }, 60_000);
      assert.equal(done.ast_index_files_total, 600);
      assert.equal(done.ast_index_symbols_total, 600 * 3);
      assert.doesNotMatch(second.log(), /unusable|rebuilding/);
      // Every outcome stored before the kill is reused; only the rest is read and parsed.
      const scan = (await second.waitForLog(/\((\d+) reused from the store, (\d+) read/)).match(/(\d+) reused from the store, (\d+) read/)!;
      assert.deepEqual([Number(scan[1]), Number(scan[2])], [storedBeforeKill, 600 - storedBeforeKill]);
    } finally {
      await second.stop();
    }
  });

  it('rebuilds when the store is damaged past its header', async () => {
    const root = tempDir('ast-damaged');
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`m${i}.py`] = `class Model${i}:\n    def run(self):\n        return ${i}\n`;
    writeFiles(root, files);
    const cacheDir = tempDir('ast-cache');
    const first = await startEngineProcess({ args: ['--ast', '--workspace-folder', root], cacheDir });
    await eventually('first index', async () => ((await status(first)).state === 'done' ? true : null));
    // A clean stop folds the write-ahead log into the file, so the damage below hits live pages.
    first.process.kill('SIGTERM');
    await first.exited;
    // Overwrite every other page after the first two with garbage; the header stays readable.
    const index = join(cacheDir, 'index');
    const file = join(index, readdirSync(index).find((name) => name.endsWith('.sqlite'))!);
    const bytes = readFileSync(file);
    for (let page = 2; page * 4096 < bytes.length; page += 2) bytes.fill(0xa5, page * 4096, page * 4096 + 4096);
    writeFileSync(file, bytes);
    const second = await startEngineProcess({ args: ['--ast', '--workspace-folder', root], cacheDir });
    try {
      const done = await eventually('the rebuilt index', async () => {
        const s = await status(second);
        return s.state === 'done' ? s : null;
      });
      assert.equal(done.ast_index_files_total, 150);
      assert.equal(done.ast_index_symbols_total, 300);
      assert.match(second.log(), /failed a read|unusable/);
    } finally {
      await second.stop();
    }
  });

  it('reports indexing to the editor as $/progress', async () => {
    const root = project();
    const engine = await startEngineProcess({ args: ['--ast', '--lsp-stdin-stdout', '1'] });
    try {
      const client = lspClient(engine.process.stdout!, engine.process.stdin!);
      const kinds: string[] = [];
      const ended = new Promise<void>((resolve) => {
        client.onNotification('$/progress', (params: { value: { kind: string } }) => {
          kinds.push(params.value.kind);
          if (params.value.kind === 'end') resolve();
        });
      });
      client.onRequest('window/workDoneProgress/create', () => null);
      const params = initializeParams(pathToFileURL(root).href);
      await client.sendRequest('initialize', { ...params, capabilities: { ...params.capabilities, window: { workDoneProgress: true } } });
      await client.sendNotification('initialized', {});
      await ended;
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds[kinds.length - 1], 'end');
      client.dispose();
    } finally {
      await engine.stop();
    }
  });
});
