/**
 * Retrieval in the real engine (`--vecdb`): lexical and symbol search with no model, vectors
 * from the generated ONNX model through the real pool, hnswlib files and libsql; faults from a
 * scripted embedding endpoint (down, garbage); a corrupt vector file; deletions.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';
import { tinyEmbedder } from '../helpers/tiny-embedder';

function project(): string {
  const root = tempDir('retrieval-project');
  writeFiles(root, {
    'src/billing/invoice.ts': 'export class InvoiceBuilder {\n  private lines: number[] = [];\n  addLine(amount: number): this {\n    this.lines.push(amount);\n    return this;\n  }\n  total(): number {\n    return this.lines.reduce((a, b) => a + b, 0);\n  }\n}\n',
    'src/auth/session.ts': 'export function refreshSessionToken(token: string): string {\n  const expiry = Date.now() + 3600_000;\n  return `${token}.${expiry}`;\n}\n\nexport function revokeSession(id: string): void {\n  sessions.delete(id);\n}\n\nconst sessions = new Map<string, string>();\n',
    'tools/report.py': 'class QuarterlyReport:\n    def render_table(self, rows):\n        return "\\n".join(str(r) for r in rows)\n\n\ndef main():\n    QuarterlyReport().render_table([1, 2])\n',
    'docs/guide.md': '# Deployment guide\n\nRun the companion server on a GPU box with docker compose.\n\n## Scaling\n\nAdd replicas behind the load balancer.\n',
  });
  return root;
}

async function vdbStatus(engine: EngineProcess): Promise<any> {
  return (await fetch(`${engine.baseUrl}/v1/vdb-status`)).json();
}

/** Waits until chunking is done and, when vectors are on, every chunk has its vector. */
async function settled(engine: EngineProcess, withVectors: boolean): Promise<any> {
  return eventually('retrieval to settle', async () => {
    const s = await vdbStatus(engine);
    if (s.state !== 'done' || s.chunks_total === 0) return null;
    if (withVectors && (s.vectors_pending > 0 || s.db_size !== s.chunks_total)) return null;
    return s;
  });
}

const files = (json: any) => json.results.map((r: any) => r.file_path.split('/').slice(-2).join('/'));

async function search(engine: EngineProcess, query: string, topN = 5): Promise<string[]> {
  const r = await postJson(engine, '/v1/vdb-search', { query, top_n: topN });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return files(r.json);
}

function providersWith(configDir: string, yaml: string): void {
  mkdirSync(join(configDir, 'providers.d'), { recursive: true });
  writeFileSync(join(configDir, 'providers.d', 'custom.yaml'), yaml);
}

describe('retrieval with no embedding model', () => {
  let engine: EngineProcess;
  let root: string;
  before(async () => {
    root = project();
    engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', root] });
    await settled(engine, false);
  });
  after(() => engine.stop());

  it('answers lexical and symbol matches in Refact\'s shape, and says why vectors are off', async () => {
    const r = await postJson(engine, '/v1/vdb-search', { query: 'how is the invoice total computed from its lines', top_n: 3 });
    assert.equal(r.status, 200);
    assert.equal(r.json.query_text, 'how is the invoice total computed from its lines');
    const first = r.json.results[0];
    assert.deepEqual(Object.keys(first).sort(), ['distance', 'end_line', 'file_path', 'start_line', 'usefulness', 'vector']);
    assert.equal(first.file_path, join(root, 'src/billing/invoice.ts'));
    assert.equal(first.vector, null);
    assert.equal(first.usefulness, 100);
    assert.deepEqual((await search(engine, 'const t = refreshSessionToken(old)'))[0], 'auth/session.ts');
    assert.deepEqual((await search(engine, 'render_table rows'))[0], 'tools/report.py');
    assert.deepEqual((await search(engine, 'docker compose GPU'))[0], 'docs/guide.md');
    const status = await vdbStatus(engine);
    assert.equal(status.files_total, 4);
    assert.equal(status.db_size, 0);
    assert.match(status.vectors_off_reason, /no embedding model/);
    const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
    assert.equal(rag.vecdb_alive, 'working');
    assert.equal(rag.vecdb.chunks_total, status.chunks_total);
  });

  it('answers bad requests with a reason', async () => {
    assert.equal((await postJson(engine, '/v1/vdb-search', { query: 'x' })).status, 400);
  });

  it('forgets a deleted file in every index, and indexes a new one', async () => {
    const before = (await vdbStatus(engine)).chunks_total;
    rmSync(join(root, 'tools/report.py'));
    await eventually('the deletion', async () => ((await vdbStatus(engine)).chunks_total < before ? true : null));
    assert.ok(!(await search(engine, 'QuarterlyReport render_table', 10)).includes('tools/report.py'));
    writeFiles(root, { 'tools/export.py': 'def export_csv_rows(rows):\n    return ",".join(rows)\n' });
    await eventually('the new file', async () => ((await search(engine, 'export csv rows'))[0] === 'tools/export.py' ? true : null));
  });

  it('forgets every file of a folder moved away (the watcher reports the folder alone)', async () => {
    assert.ok((await search(engine, 'refreshSessionToken', 10)).includes('auth/session.ts'));
    renameSync(join(root, 'src/auth'), join(tempDir('moved-away'), 'auth'));
    await eventually('the folder deletion', async () => (!(await search(engine, 'refreshSessionToken', 10)).includes('auth/session.ts') ? true : null));
  });
});

describe('retrieval with the fixture ONNX model', () => {
  let engine: EngineProcess;
  let root: string;
  let configDir: string;
  const cacheDir = tempDir('retrieval-cache');
  before(async () => {
    const model = await tinyEmbedder();
    root = project();
    configDir = tempDir('retrieval-config');
    providersWith(configDir, `embedding_endpoint: file://${model.model}\nembedding_model:\n  name: tiny-embedder\n  n_ctx: 128\n  embedding_size: 32\n`);
    engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', root], configDir, cacheDir });
  });
  after(() => engine.stop());

  it('embeds every chunk in the pool and uses vectors in search', async () => {
    const status = await settled(engine, true);
    assert.equal(status.embedding_model, 'tiny-embedder');
    assert.equal(status.vectors_off_reason, '');
    assert.ok(status.vectors_made_since_start >= status.db_cache_size && status.db_cache_size > 0, JSON.stringify(status));
    // The exact text of a chunk is at cosine distance ~0 from its own vector.
    const r = await postJson(engine, '/v1/vdb-search', { query: 'Add replicas behind the load balancer.', top_n: 3 });
    const hit = r.json.results.find((x: any) => x.file_path.endsWith('guide.md'));
    assert.ok(hit && hit.distance < 0.2, JSON.stringify(r.json));
  });

  it('reopens with every vector from the cache, and rebuilds a corrupt vector file', async () => {
    const first = await settled(engine, true);
    await engine.stop();
    const dir = join(cacheDir, 'retrieval');
    const vectorFile = readdirSync(dir).find((f) => f.endsWith('.hnsw'));
    assert.ok(vectorFile, readdirSync(dir).join(', '));
    writeFileSync(join(dir, vectorFile), 'this is not an hnsw index');
    engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', root], configDir, cacheDir });
    await engine.waitForLog(/does not match its checksum; rebuilding/);
    const second = await settled(engine, true);
    assert.equal(second.db_size, first.db_size);
    assert.equal(second.vectors_made_since_start, 0, 'a re-index embeds nothing the cache has');
    // A changed file embeds only its new chunks.
    writeFiles(root, { 'src/auth/session.ts': 'export function refreshSessionToken(token: string): string {\n  return token + "!";\n}\n' });
    const third = await eventually('the change', async () => {
      const s = await vdbStatus(engine);
      return s.vectors_made_since_start > 0 && s.vectors_pending === 0 && s.db_size === s.chunks_total ? s : null;
    });
    assert.ok(third.vectors_made_since_start <= 2, JSON.stringify(third));
  });
});

/** An OpenAI-style embeddings endpoint whose behaviour the test scripts. */
function scriptedEndpoint(): Promise<{ server: Server; url: string; mode: { value: 'down' | 'garbage' | 'ok' }; calls: () => number }> {
  const mode = { value: 'down' as 'down' | 'garbage' | 'ok' };
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      calls++;
      if (mode.value === 'down') return res.writeHead(503).end('{"detail":"model is loading"}');
      if (mode.value === 'garbage') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"embedding":"nope"}]}');
      const input = (JSON.parse(body) as { input: string[] }).input;
      const data = input.map((text, index) => ({ index, embedding: [text.length % 7, 1, (text.charCodeAt(0) || 0) % 5, 2] }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    resolve({ server, url: `http://127.0.0.1:${address.port}/v1/embeddings`, mode, calls: () => calls });
  }));
}

describe('retrieval with a failing embedding endpoint', () => {
  let engine: EngineProcess;
  let endpoint: Awaited<ReturnType<typeof scriptedEndpoint>>;
  before(async () => {
    endpoint = await scriptedEndpoint();
    const configDir = tempDir('retrieval-config');
    providersWith(configDir, `embedding_endpoint: ${endpoint.url}\napi_key: test-key\nembedding_model:\n  name: remote-embedder\n  n_ctx: 512\n  embedding_size: 4\n`);
    engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', project()], configDir });
    await settled(engine, false);
  });
  after(async () => {
    await engine.stop();
    endpoint.server.close();
  });

  it('keeps answering lexically while the endpoint is down, and reports the error', async () => {
    const rag = await eventually('the error in rag-status', async () => {
      const r = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
      return r.vec_db_error ? r : null;
    });
    assert.match(rag.vec_db_error, /provider 'remote-embedder' answered 503: model is loading/);
    assert.ok(Object.keys(rag.vecdb.vecdb_errors).some((e) => /503/.test(e)));
    assert.equal(rag.vecdb.db_size, 0);
    assert.equal((await search(engine, 'invoice total lines'))[0], 'billing/invoice.ts');
  });

  it('reports garbage answers, and recovers when the endpoint does', async () => {
    endpoint.mode.value = 'garbage';
    await eventually('the garbage error', async () => {
      const s = await vdbStatus(engine);
      return Object.keys(s.vecdb_errors).some((e) => /malformed|vectors for/.test(e)) ? s : null;
    }, 30_000);
    assert.equal((await search(engine, 'render_table rows'))[0], 'tools/report.py');
    endpoint.mode.value = 'ok';
    // The retry backoff doubles per failure up to 60 s; on a loaded machine enough failures pile
    // up for the next try to be a full minute away, so the wait must outlast the cap.
    const status = await eventually('recovery', async () => {
      const s = await vdbStatus(engine);
      return s.db_size > 0 && s.db_size === s.chunks_total ? s : null;
    }, 90_000);
    assert.ok(status.requests_made_since_start > 0);
    const rag = (await (await fetch(`${engine.baseUrl}/v1/rag-status`)).json()) as any;
    assert.equal(rag.vec_db_error, '');
  });
});

describe('retrieval turned off', () => {
  it('answers as Refact does without --vecdb', async () => {
    const engine = await startEngineProcess();
    try {
      const r = await postJson(engine, '/v1/vdb-search', { query: 'x', top_n: 1 });
      assert.equal(r.status, 500);
      assert.match(r.json.detail, /Vector db is not running/);
      assert.deepEqual(await vdbStatus(engine), { success: 0, detail: 'turned_off' });
    } finally {
      await engine.stop();
    }
  });
});
