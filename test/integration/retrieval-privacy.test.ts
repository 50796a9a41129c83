/**
 * privacy.yaml and the vector index: a file the rules keep from models is never sent to the
 * embedding endpoint (the endpoint records every text it is given), and a local-only file is
 * embedded by a server the user controls. Lexical search stays on this
 * machine and still finds them. (Whether an endpoint counts as the user's own is the privacy
 * core's `endpointUnderUserControl`, unit-tested with the rules.)
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';

const PRIVACY = 'privacy_rules:\n  blocked:\n    - "*/vault/*"\n  only_send_to_servers_I_control:\n    - "*/internal/*"\n';

/** An OpenAI-style embeddings endpoint that answers small vectors and keeps every input text. */
function recordingEndpoint(): Promise<{ server: Server; port: number; inputs: string[] }> {
  const inputs: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      const input = (JSON.parse(body) as { input: string[] }).input;
      inputs.push(...input);
      const data = input.map((text, index) => ({ index, embedding: [text.length % 7, 1, (text.charCodeAt(0) || 0) % 5, 2] }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, inputs })));
}

async function engineWith(endpointUrl: string): Promise<{ engine: EngineProcess }> {
  const root = tempDir('retrieval-privacy');
  writeFiles(root, {
    'src/vault/keys.ts': 'export const ZEBRA_VAULT_KEY = "vault-secret-value";\nexport function unlockVault(): string {\n  return ZEBRA_VAULT_KEY;\n}\n',
    'src/internal/plan.ts': 'export function walrusInternalPlan(): string {\n  return "internal roadmap";\n}\n',
    'src/public/api.ts': 'export function publicGreeting(name: string): string {\n  return `hello ${name}`;\n}\n',
  });
  const configDir = tempDir('retrieval-privacy-config');
  mkdirSync(join(configDir, 'providers.d'), { recursive: true });
  writeFileSync(join(configDir, 'privacy.yaml'), PRIVACY);
  writeFileSync(join(configDir, 'providers.d', 'custom.yaml'), `embedding_endpoint: ${endpointUrl}\napi_key: test-key\nembedding_model:\n  name: remote-embedder\n  n_ctx: 512\n  embedding_size: 4\n`);
  const engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', root], configDir });
  return { engine };
}

async function settledWithVectors(engine: EngineProcess): Promise<any> {
  return eventually('vectors to settle', async () => {
    const s = (await (await fetch(`${engine.baseUrl}/v1/vdb-status`)).json()) as any;
    return s.state === 'done' && s.chunks_total > 0 && s.vectors_pending === 0 && s.db_size > 0 ? s : null;
  });
}

async function topFile(engine: EngineProcess, query: string): Promise<string> {
  const r = await postJson(engine, '/v1/vdb-search', { query, top_n: 3 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return (r.json as any).results[0].file_path.split('/').slice(-2).join('/');
}

describe('retrieval privacy, embedding on a server the user controls', () => {
  let endpoint: Awaited<ReturnType<typeof recordingEndpoint>>;
  let engine: EngineProcess;
  before(async () => {
    endpoint = await recordingEndpoint();
    ({ engine } = await engineWith(`http://127.0.0.1:${endpoint.port}/v1/embeddings`));
  });
  after(async () => {
    await engine.stop();
    endpoint.server.close();
  });

  it('never sends a blocked file to the embedding endpoint, and says how many chunks it kept back', async () => {
    const status = await settledWithVectors(engine);
    assert.ok(endpoint.inputs.some((t) => t.includes('publicGreeting')), 'the public file was embedded');
    assert.ok(!endpoint.inputs.some((t) => t.includes('ZEBRA_VAULT_KEY') || t.includes('vault-secret-value')), 'the blocked file reached the endpoint');
    assert.ok(status.chunks_privacy_refused >= 1, JSON.stringify(status));
    // A local-only file may go to a model on this machine.
    assert.ok(endpoint.inputs.some((t) => t.includes('walrusInternalPlan')), 'the local-only file was not embedded by a local server');
    // Lexical search never leaves the machine and still finds the blocked file.
    assert.equal(await topFile(engine, 'ZEBRA_VAULT_KEY unlockVault'), 'vault/keys.ts');
  });
});
