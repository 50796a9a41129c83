/**
 * Our two servers together: the engine reads its caps from the real companion server (built
 * `companion/dist/main.js`, serving the tiny GGUF for completion and embeddings, behind an API
 * token) and embeds the workspace through the companion's `/v1/embeddings`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnServer } from '../../companion/test/helpers/server-process';
import { tinyGguf } from '../../companion/test/helpers/tiny-model';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';

const COMPANION_MAIN = join(__dirname, '..', '..', 'companion', 'dist', 'main.js');

describe('the engine on the companion server', () => {
  let companion: { url: string; child: ChildProcess };
  let engine: EngineProcess;
  before(async () => {
    const gguf = await tinyGguf();
    companion = await spawnServer([COMPANION_MAIN], ['--port', '0', '--gpu', 'cpu', '--threads', '1', '--model', gguf, '--embedding-model', `emb=${gguf}`, '--api-token', 'sk-team', '--perm-dir', tempDir('companion-perm')]);
    const root = tempDir('companion-project');
    writeFiles(root, {
      'src/invoice.ts': 'export class InvoiceBuilder {\n  total(lines: number[]): number {\n    return lines.reduce((a, b) => a + b, 0);\n  }\n}\n',
      'tools/report.py': 'def render_table(rows):\n    return "\\n".join(str(r) for r in rows)\n',
    });
    engine = await startEngineProcess({ args: ['--address-url', companion.url, '--api-key', 'sk-team', '--vecdb', '--workspace-folder', root] });
  });
  after(async () => {
    await engine?.stop();
    companion?.child.kill('SIGTERM');
  });

  it('shows the companion models in its caps', async () => {
    const caps = (await eventually('caps from the companion', async () => {
      const r = await fetch(`${engine.baseUrl}/v1/caps`);
      return r.status === 200 ? r.json() : null;
    })) as { completion_default_model: string; completion_models: Record<string, unknown>; embedding_model: { name?: string; embedding_size: number } };
    assert.equal(caps.completion_default_model, 'refact_self_hosted/tiny-llama');
    assert.ok('refact_self_hosted/tiny-llama' in caps.completion_models);
    assert.ok(caps.embedding_model.embedding_size > 0);
  });

  it('embeds every chunk through the companion, which counts the requests', async () => {
    const status = await eventually('vectors for every chunk', async () => {
      const s = (await (await fetch(`${engine.baseUrl}/v1/vdb-status`)).json()) as { state: string; chunks_total: number; db_size: number; vectors_pending: number };
      return s.state === 'done' && s.chunks_total > 0 && s.vectors_pending === 0 && s.db_size === s.chunks_total ? s : null;
    }, 60_000);
    assert.ok(status.db_size >= 2);
    const metrics = await (await fetch(`${companion.url}/metrics`)).text();
    assert.match(metrics, /refact_requests_total\{model="emb",route="embeddings",status="200"\} [1-9]/);
    assert.match(String((status as { embedding_model?: string }).embedding_model), /emb$/);
    const r = await postJson(engine, '/v1/vdb-search', { query: 'InvoiceBuilder total', top_n: 2 });
    assert.equal(r.status, 200);
    assert.match(r.json.results[0].file_path, /invoice\.ts$/);
  });
});
