import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EngineCaps, ModelsResponse, ProviderDTO, ProvidersResponse } from '../../src/protocol/http';
import { startCapsServer, type CapsServer } from '../helpers/caps-server';
import { freePort, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';

const SELF_HOSTED = {
  cloud_name: 'Refact Self-Hosted',
  completion: { endpoint: '/v1/completions', models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 32768, supports_scratchpads: { 'FIM-PSM': { fim_prefix: '<|fim_prefix|>' } } } }, default_model: 'qwen2.5/coder/1.5b/base' },
  chat: { endpoint: '/v1/chat/completions', models: { 'qwen2.5/7b/instruct': { n_ctx: 32768, supports_tools: true } }, default_model: 'qwen2.5/7b/instruct' },
  embedding: { endpoint: '/v1/embeddings', models: { 'thenlper/gte-base': { n_ctx: 512, size: 768 } }, default_model: 'thenlper/gte-base' },
  telemetry_endpoints: { telemetry_basic_endpoint: '/stats/telemetry-basic', telemetry_basic_retrieve_my_own_endpoint: '/stats/rh-stats' },
  tokenizer_endpoints: {},
  caps_version: 3,
};

async function json<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await response;
  const body = await r.text();
  assert.equal(r.status, status, body);
  return JSON.parse(body) as T;
}

function send(engine: EngineProcess, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${engine.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('caps from a self-hosted server, and BYOK providers beside it', () => {
  let caps: CapsServer;
  let engine: EngineProcess;
  before(async () => {
    caps = await startCapsServer();
    caps.route('/refact-caps', SELF_HOSTED);
    engine = await startEngineProcess({ args: ['--address-url', caps.url, '--api-key', 'sk-integration'] });
  });
  after(async () => {
    await engine.stop();
    await caps.close();
  });

  it('shows the server models with provider/model ids, and sent the key as a bearer token', async () => {
    const body = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
    assert.equal(body.cloud_name, 'refact_self_hosted');
    assert.deepEqual(Object.keys(body.chat_models), ['refact_self_hosted/qwen2.5/7b/instruct']);
    assert.deepEqual(Object.keys(body.completion_models), ['refact_self_hosted/qwen2.5/coder/1.5b/base']);
    assert.equal(body.completion_default_model, 'refact_self_hosted/qwen2.5/coder/1.5b/base');
    assert.equal(body.embedding_model.embedding_size, 768);
    assert.equal(body.telemetry_basic_dest, `${caps.url}/stats/telemetry-basic`);
    assert.ok(!JSON.stringify(body).includes('sk-integration'), 'keys never reach /v1/caps');
    const request = caps.requests.find((r) => r.path === '/refact-caps')!;
    assert.equal(request.headers.authorization, 'Bearer sk-integration');
    assert.match(request.headers['user-agent'] ?? '', /^refact-ts-lsp /);
  });

  it('lists the server provider first and read-only, and refuses to change it', async () => {
    const list = await json<ProvidersResponse>(fetch(`${engine.baseUrl}/v1/providers`));
    assert.deepEqual(list.providers[0], { name: 'refact_self_hosted', enabled: true, readonly: true, supports_completion: true });
    const dto = await json<ProviderDTO>(fetch(`${engine.baseUrl}/v1/provider?provider-name=refact_self_hosted`));
    assert.equal(dto.readonly, true);
    assert.equal(dto.chat_endpoint, `${caps.url}/v1/chat/completions`);
    const refused = await json<{ detail: string }>(send(engine, 'POST', '/v1/provider', { name: 'refact_self_hosted', enabled: false }), 403);
    assert.match(refused.detail, /read-only/);
    await json(send(engine, 'DELETE', '/v1/provider?provider-name=refact_self_hosted'), 403);
    const models = await json<ModelsResponse>(fetch(`${engine.baseUrl}/v1/models?provider-name=refact_self_hosted`));
    assert.deepEqual(models.chat_models.map((m) => m.name), ['qwen2.5/7b/instruct']);
  });

  it('round-trips a provider: POST writes the file, caps and GET see it at once, DELETE removes it', async () => {
    const file = join(engine.configDir, 'providers.d', 'openai.yaml');
    assert.deepEqual(await json(send(engine, 'POST', '/v1/provider', { name: 'openai', enabled: true, api_key: 'sk-openai-test' })), { success: true });
    assert.match(readFileSync(file, 'utf8'), /api_key: sk-openai-test/);
    const dto = await json<ProviderDTO>(fetch(`${engine.baseUrl}/v1/provider?provider-name=openai`));
    assert.deepEqual([dto.api_key, dto.enabled, dto.readonly, dto.chat_endpoint], ['sk-openai-test', true, false, 'https://api.openai.com/v1/chat/completions']);
    const withOpenai = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
    assert.ok(withOpenai.chat_models['openai/gpt-4.1'], 'caps reflect the new provider at once');
    assert.ok(withOpenai.chat_models['refact_self_hosted/qwen2.5/7b/instruct'], 'and keep the server models');
    const list = await json<ProvidersResponse>(fetch(`${engine.baseUrl}/v1/providers`));
    assert.ok(list.providers.some((p) => p.name === 'openai' && !p.readonly));

    await json(send(engine, 'POST', '/v1/model', { provider: 'openai', type: 'chat', model: { name: 'my-finetune', n_ctx: 16000, supports_tools: true } }));
    assert.match(readFileSync(file, 'utf8'), /my-finetune:\n\s+n_ctx: 16000/);
    const model = await json<{ n_ctx: number; type: string }>(fetch(`${engine.baseUrl}/v1/model?provider=openai&type=chat&model=my-finetune`));
    assert.deepEqual([model.n_ctx, model.type], [16000, 'chat']);
    assert.ok((await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`))).chat_models['openai/my-finetune']);
    await json(send(engine, 'DELETE', '/v1/model?provider=openai&type=chat&model=my-finetune'));
    await json(send(engine, 'DELETE', '/v1/model?provider=openai&type=chat&model=my-finetune'), 404);

    assert.deepEqual(await json(send(engine, 'DELETE', '/v1/provider?provider-name=openai')), { success: true });
    assert.equal(existsSync(file), false);
    const after = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
    assert.ok(!Object.keys(after.chat_models).some((id) => id.startsWith('openai/')));
  });

  it('answers bad input with 4xx and a reason', async () => {
    const malformed = await json<{ detail: string }>(send(engine, 'POST', '/v1/provider', '{"name": "openai",'), 400);
    assert.match(malformed.detail, /JSON/);
    await json(send(engine, 'POST', '/v1/provider', { enabled: true }), 400);
    await json(send(engine, 'POST', '/v1/provider', { name: '../../etc/passwd', enabled: true }), 400);
    await json(fetch(`${engine.baseUrl}/v1/provider`), 400);
    const unknown = await json<{ detail: string }>(fetch(`${engine.baseUrl}/v1/provider?provider-name=nosuch`), 404);
    assert.match(unknown.detail, /nosuch/);
    await json(send(engine, 'POST', '/v1/provider', { name: 'nosuch', enabled: true }), 404);
    await json(send(engine, 'POST', '/v1/model', { provider: 'openai', type: 'chat', model: { n_ctx: 1 } }), 400);
    await json(fetch(`${engine.baseUrl}/v1/model?provider=openai&type=sideways&model=x`), 400);
    assert.equal(engine.process.exitCode, null, 'the engine keeps running');
  });

  it('serves templates, model defaults and customization', async () => {
    const templates = await json<{ provider_templates: { name: string }[] }>(fetch(`${engine.baseUrl}/v1/provider-templates`));
    assert.ok(templates.provider_templates.some((t) => t.name === 'llama_cpp'));
    const defaults = await json<{ n_ctx: number; type: string }>(fetch(`${engine.baseUrl}/v1/model-defaults?provider=anthropic&type=chat`));
    assert.deepEqual([defaults.n_ctx, defaults.type], [200000, 'chat']);
    const customization = await json<{ system_prompts: Record<string, unknown>; error_log: unknown[] }>(fetch(`${engine.baseUrl}/v1/customization`));
    assert.ok(customization.system_prompts.default);
    assert.deepEqual(customization.error_log, []);
  });
});

describe('caps from a legacy server', () => {
  it('falls back to /coding_assistant_caps.json and reads the flat format', async () => {
    const caps = await startCapsServer();
    caps.route('/coding_assistant_caps.json', {
      cloud_name: 'Old Server', endpoint_template: '/v1/completions', endpoint_chat_passthrough: '/v1/chat/completions',
      running_models: ['qwen2.5/coder/1.5b/base', 'gpt-4o-mini'], code_completion_default_model: 'qwen2.5/coder/1.5b/base', code_chat_default_model: 'gpt-4o-mini',
    });
    const engine = await startEngineProcess({ args: ['--address-url', caps.url] });
    try {
      const body = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
      assert.deepEqual(Object.keys(body.chat_models), ['old_server/gpt-4o-mini']);
      assert.equal(body.completion_models['old_server/qwen2.5/coder/1.5b/base']!.scratchpad, 'FIM-PSM');
      assert.equal(body.chat_default_model, 'old_server/gpt-4o-mini');
      assert.deepEqual(caps.requests.map((r) => r.path), ['/refact-caps', '/coding_assistant_caps.json']);
    } finally {
      await engine.stop();
      await caps.close();
    }
  });
});

describe('caps server down at start', () => {
  it('answers 503 naming the URL, stays up, and recovers when the server comes up', async () => {
    const port = await freePort();
    const address = `http://127.0.0.1:${port}`;
    const engine = await startEngineProcess({ args: ['--address-url', address] });
    let caps: CapsServer | null = null;
    try {
      const down = await json<{ detail: string }>(fetch(`${engine.baseUrl}/v1/caps`), 503);
      assert.match(down.detail, new RegExp(`${address}/refact-caps`));
      assert.match(down.detail, /ECONNREFUSED/);
      const ping = await fetch(`${engine.baseUrl}/v1/ping`);
      assert.equal(ping.status, 200);
      caps = await startCapsServer(port);
      caps.route('/refact-caps', SELF_HOSTED);
      // The backoff retries within seconds; the engine logs the moment caps load.
      await engine.waitForLog(/caps: loaded \d+ models from/, 15_000);
      const up = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
      assert.ok(up.chat_models['refact_self_hosted/qwen2.5/7b/instruct']);
    } finally {
      await engine.stop();
      await caps?.close();
    }
  });
});

describe('no address URL: providers.d alone', () => {
  it('answers caps from providers.d, and empty but valid caps with none', async () => {
    const configDir = join(tempDir('byok'), 'config');
    mkdirSync(join(configDir, 'providers.d'), { recursive: true });
    writeFileSync(join(configDir, 'providers.d', 'ollama.yaml'), '# local models\nenabled: true\n');
    writeFileSync(join(configDir, 'providers.d', 'my-gpu.yaml'), 'chat_endpoint: http://gpu.lan:8000/v1/chat/completions\nchat_models:\n  qwen3: {n_ctx: 32768}\n');
    writeFileSync(join(configDir, 'providers.d', 'broken.yaml'), 'chat_models: [\n');
    const engine = await startEngineProcess({ configDir });
    const bare = await startEngineProcess();
    try {
      const body = await json<EngineCaps>(fetch(`${engine.baseUrl}/v1/caps`));
      assert.equal(body.cloud_name, '');
      assert.ok(body.completion_models['ollama/qwen2.5-coder:1.5b-base']);
      assert.ok(body.chat_models['my-gpu/qwen3']);
      assert.equal(body.chat_default_model, 'my-gpu/qwen3');
      const list = await json<ProvidersResponse>(fetch(`${engine.baseUrl}/v1/providers`));
      assert.deepEqual(list.providers.map((p) => p.name).sort(), ['my-gpu', 'ollama']);
      assert.equal(list.error_log.length, 1);
      assert.match(list.error_log[0]!.path, /broken\.yaml$/);

      const empty = await json<EngineCaps>(fetch(`${bare.baseUrl}/v1/caps`));
      assert.deepEqual([empty.chat_models, empty.completion_models, empty.chat_default_model], [{}, {}, '']);
    } finally {
      await engine.stop();
      await bare.stop();
    }
  });
});
