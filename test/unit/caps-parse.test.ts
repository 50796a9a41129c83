import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildCaps } from '../../server/core/caps/build-caps';
import { normalizeCloudName } from '../../server/core/caps/model';
import { parseCapsDocument } from '../../server/core/caps/parse-caps';
import { resolveChatModel, resolveCompletionModel } from '../../server/core/caps/resolve-model';
import { serializeCaps } from '../../server/core/caps/serialize';
import type { ServerCaps } from '../../server/core/caps/server-caps';
import { capsUrls, resolveAgainst } from '../../server/core/caps/urls';
import { matchGolden } from '../helpers/golden';

const FIXTURES = join(__dirname, '../fixtures/caps');
const CAPS_URL = 'http://10.0.0.7:8008/refact-caps';

function parse(text: string, url = CAPS_URL): ServerCaps {
  const parsed = parseCapsDocument(text, url, 'sk-cmdline');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.server;
}

/** Compares with `<name>.expected.json`, which must exist; `UPDATE_GOLDEN=1` rewrites it. */
function golden(name: string, actual: unknown): void {
  matchGolden(join(FIXTURES, `${name}.expected.json`), `${JSON.stringify(actual, null, 2)}\n`);
}

function fromFixture(name: string) {
  const server = parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  return buildCaps(server, [], { apiKey: 'sk-cmdline', env: {}, experimental: false }).caps;
}

describe('caps documents: self-hosted format', () => {
  it('serializes to the /v1/caps shape (golden)', () => golden('self-hosted', serializeCaps(fromFixture('self-hosted'))));

  it('gives models full endpoints and the --api-key, and keeps them off the wire', () => {
    const caps = fromFixture('self-hosted');
    const chat = caps.chat_models.get('refact_self_hosted/gpt-4o')!;
    assert.equal(chat.endpoint, 'http://10.0.0.7:8008/v1/chat/completions');
    assert.equal(chat.api_key, 'sk-cmdline');
    assert.equal(chat.tokenizer, 'https://example.com/gpt-4o/tokenizer.json');
    // A non-passthrough chat model is sent raw prompts on the completion endpoint.
    assert.equal(caps.chat_models.get('refact_self_hosted/llama3/8b/instruct')!.endpoint, 'http://10.0.0.7:8008/v1/completions');
    assert.equal(caps.embedding_model!.endpoint, 'http://10.0.0.7:8008/v1/embeddings');
    const wire = JSON.stringify(serializeCaps(caps));
    for (const secret of ['sk-cmdline', 'endpoint', 'api_key', 'similar_models']) assert.ok(!wire.includes(secret), secret);
  });

  it('takes the first scratchpad and defaults to REPLACE_PASSTHROUGH', () => {
    const caps = fromFixture('self-hosted');
    assert.equal(caps.completion_models.get('refact_self_hosted/qwen2.5/coder/1.5b/base')!.scratchpad, 'FIM-PSM');
    const plain = caps.completion_models.get('refact_self_hosted/plain-model')!;
    assert.deepEqual([plain.scratchpad, plain.scratchpad_patch], ['REPLACE_PASSTHROUGH', { context_format: 'chat', rag_ratio: 0.5 }]);
  });

  it('keeps $MODEL through resolution and fills it per model', () => {
    const doc = { cloud_name: 'x', chat: { endpoint: 'models/$MODEL/chat', models: { 'a/b': { n_ctx: 10 } }, default_model: 'a/b' } };
    const server = parse(JSON.stringify(doc));
    assert.equal(server.provider.chat_endpoint, 'http://10.0.0.7:8008/models/$MODEL/chat');
    assert.equal(server.provider.chat_models.get('a/b')!.endpoint, 'http://10.0.0.7:8008/models/a/b/chat');
  });
});

describe('caps documents: legacy flat format', () => {
  it('serializes to the /v1/caps shape (golden)', () => golden('legacy', serializeCaps(fromFixture('legacy'))));

  it('completes running models from the known models, applies patches and the completion context cap', () => {
    const caps = fromFixture('legacy');
    assert.equal(caps.cloud_name, 'refact_legacy_');
    const fim = caps.completion_models.get('refact_legacy_/qwen2.5/coder/1.5b/base')!;
    assert.equal(fim.scratchpad, 'FIM-PSM');
    assert.equal(fim.n_ctx, 2048, 'code_completion_n_ctx caps the known 8192');
    assert.equal(fim.endpoint, 'http://10.0.0.7:8008/v1/completions');
    const mini = caps.chat_models.get('refact_legacy_/gpt-4o-mini')!;
    assert.deepEqual([mini.n_ctx, mini.supports_tools, mini.api_key], [64000, false, 'sk-cmdline']);
    assert.ok(!caps.chat_models.has('refact_legacy_/mystery-model'));
    assert.equal(caps.embedding_model!.embedding_size, 768);
    assert.equal(caps.defaults.chat_default_model, 'refact_legacy_/gpt-4o-mini');
    assert.equal(caps.telemetry_basic_dest, 'http://10.0.0.7:8008/stats/telemetry-basic');
  });
});

describe('caps documents: broken ones give a clear error', () => {
  const table: [string, string, RegExp][] = [
    ['empty text', '  ', /empty caps document/],
    ['not JSON', '<html>502 Bad Gateway</html>', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['empty object', '{}', /neither self-hosted sections .* nor a legacy cloud_name/],
    ['model without n_ctx', JSON.stringify({ cloud_name: 'x', chat: { endpoint: '/c', models: { m: { supports_tools: true } } } }), /'chat\.models\.m\.n_ctx' is required/],
    ['n_ctx of the wrong type', JSON.stringify({ cloud_name: 'x', completion: { endpoint: '/c', models: { m: { n_ctx: '4k' } } } }), /'completion\.models\.m\.n_ctx' must be a whole number/],
    ['models not a mapping', JSON.stringify({ cloud_name: 'x', chat: { endpoint: '/c', models: [] } }), /'chat\.models' must be a mapping/],
    ['self-hosted without cloud_name', JSON.stringify({ chat: { endpoint: '/c', models: {} } }), /'cloud_name' is required/],
    ['flag of the wrong type', JSON.stringify({ cloud_name: 'x', chat: { endpoint: '/c', models: { m: { n_ctx: 1, supports_tools: 'yes' } } } }), /supports_tools' must be true or false/],
    ['legacy field of the wrong type', JSON.stringify({ cloud_name: 'x', running_models: 'gpt-4o' }), /invalid legacy caps: 'running_models' must be a list of strings/],
  ];
  for (const [name, text, expected] of table) {
    it(name, () => {
      const parsed = parseCapsDocument(text, CAPS_URL, '');
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, expected);
    });
  }
});

describe('caps URLs', () => {
  const resolutions: [string, string, string][] = [
    ['http://h:8008/refact-caps', '/v1/completions', 'http://h:8008/v1/completions'],
    ['http://h:8008/refact-caps', 'v1/embeddings', 'http://h:8008/v1/embeddings'],
    ['http://h:8008/sub/refact-caps', 'v1/embeddings', 'http://h:8008/sub/v1/embeddings'],
    ['http://h:8008/sub/refact-caps', '/v1/x', 'http://h:8008/v1/x'],
    ['http://h:8008/refact-caps', 'https://api.example.com/v1/chat', 'https://api.example.com/v1/chat'],
    ['http://h:8008/refact-caps', '', ''],
    ['http://h:8008/refact-caps', '/m/$MODEL/x', 'http://h:8008/m/$MODEL/x'],
  ];
  for (const [base, relative, expected] of resolutions) {
    it(`resolves '${relative}' against ${base}`, () => assert.deepEqual(resolveAgainst(base, relative), { ok: true, url: expected }));
  }

  it('tries /refact-caps first, then the legacy file, under the address path', () => {
    assert.deepEqual(capsUrls('http://127.0.0.1:8008'), { ok: true, urls: ['http://127.0.0.1:8008/refact-caps', 'http://127.0.0.1:8008/coding_assistant_caps.json'] });
    assert.deepEqual(capsUrls('https://gpu.lan/refact'), { ok: true, urls: ['https://gpu.lan/refact/refact-caps', 'https://gpu.lan/refact/coding_assistant_caps.json'] });
    assert.deepEqual(capsUrls('Refact'), { ok: true, urls: ['https://app.refact.ai/coding_assistant_caps.json'] });
    assert.equal(capsUrls('not a url').ok, false);
    assert.equal(capsUrls('ftp://x').ok, false);
  });

  it('normalizes cloud names as Refact does', () => {
    assert.equal(normalizeCloudName('Refact Self-Hosted'), 'refact_self_hosted');
    assert.equal(normalizeCloudName('My.Server 2'), 'my_server_2');
  });
});

describe('resolving a requested model', () => {
  it('uses the default for an empty name, strips fine-tunes, and tries the Refact prefixes for completion', () => {
    const caps = fromFixture('self-hosted');
    const chat = resolveChatModel(caps, '');
    assert.ok(chat.ok && chat.value.id === 'refact_self_hosted/gpt-4o');
    const lora = resolveChatModel(caps, 'refact_self_hosted/gpt-4o:my-lora');
    assert.ok(lora.ok && lora.value.name === 'gpt-4o');
    const bare = resolveCompletionModel(caps, 'plain-model');
    assert.ok(bare.ok && bare.value.id === 'refact_self_hosted/plain-model');
    assert.equal(resolveCompletionModel(caps, 'plain-model', false).ok, false);
    const missing = resolveChatModel(caps, 'nope/x');
    assert.ok(!missing.ok && missing.kind === 'Unprocessable' && /refact_self_hosted\/gpt-4o/.test(missing.detail));
  });
});
