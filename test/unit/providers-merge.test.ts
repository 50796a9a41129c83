import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCaps, type BuildOptions } from '../../server/core/caps/build-caps';
import { parseCapsDocument } from '../../server/core/caps/parse-caps';
import { loadProviderFiles, type ProviderFile } from '../../server/core/providers/load';
import { resolveApiKey } from '../../server/core/providers/post-process';
import { providerTemplate, templateNames } from '../../server/core/providers/templates';

const OPTIONS: BuildOptions = { apiKey: 'sk-cmdline', env: { OPENAI_API_KEY: 'sk-from-env' }, experimental: false };

function files(entries: Record<string, string>): ProviderFile[] {
  return Object.entries(entries).map(([name, text]) => ({ name, path: `/cfg/providers.d/${name}.yaml`, text }));
}

function capsFrom(entries: Record<string, string>, options = OPTIONS) {
  const loaded = loadProviderFiles(files(entries));
  return { ...buildCaps(null, loaded.providers, options), errorLog: loaded.errorLog };
}

describe('provider templates', () => {
  it('ship the providers the settings UI offers', () => {
    for (const name of ['openai', 'anthropic', 'openrouter', 'deepseek', 'groq', 'ollama', 'lmstudio', 'vllm', 'llama_cpp', 'custom', 'google_gemini', 'xai']) {
      assert.ok(templateNames().includes(name), name);
    }
  });

  it('all parse and carry the facts', () => {
    for (const name of templateNames()) assert.ok(providerTemplate(name), name);
    assert.equal(providerTemplate('anthropic')!.chat_endpoint, 'https://api.anthropic.com/v1/chat/completions');
    assert.equal(providerTemplate('llama_cpp')!.completion_endpoint, 'http://localhost:8080/v1/completions');
    assert.equal(providerTemplate('vllm')!.chat_endpoint, 'http://localhost:8000/v1/chat/completions');
    assert.equal(providerTemplate('openai')!.supports_completion, false);
    const ollama = providerTemplate('ollama')!.completion_models.get('qwen2.5-coder:1.5b-base')!;
    assert.deepEqual([ollama.n_ctx, ollama.scratchpad, ollama.scratchpad_patch?.fim_prefix], [2048, 'FIM-PSM', '<|fim_prefix|>']);
  });
});

describe('providers.d merged with templates', () => {
  it('a file named after a template overrides only what it sets', () => {
    const { caps } = capsFrom({ openai: 'api_key: sk-literal\nrunning_models: [o1]\n' });
    const model = caps.chat_models.get('openai/gpt-4.1')!;
    assert.equal(model.endpoint, 'https://api.openai.com/v1/chat/completions', 'endpoint from the template');
    assert.equal(model.api_key, 'sk-literal', 'key from the file');
    assert.equal(model.n_ctx, 200000, 'record completed from the known models');
    assert.ok(caps.chat_models.has('openai/o1'));
    assert.equal(caps.completion_models.size, 0);
  });

  it('adds user models as removable and user-configured, template models as neither', () => {
    const loaded = loadProviderFiles(files({ ollama: 'chat_models:\n  qwen3:8b:\n    n_ctx: 32768\n    supports_tools: true\n' }));
    const ollama = loaded.providers[0]!;
    const mine = ollama.chat_models.get('qwen3:8b')!;
    assert.deepEqual([mine.removable, mine.user_configured, mine.supports_tools], [true, true, true]);
    const shipped = ollama.completion_models.get('qwen2.5-coder:1.5b-base')!;
    assert.deepEqual([shipped.removable, shipped.user_configured], [false, false]);
  });

  it('a file with any other name is a whole provider named by its stem', () => {
    const { caps } = capsFrom({
      'my-gpu': [
        'chat_endpoint: http://gpu.lan:8000/v1/chat/completions',
        'completion_endpoint: http://gpu.lan:8000/v1/$MODEL/completions',
        'chat_models:',
        '  qwen3: {n_ctx: 32768}',
        'completion_models:',
        '  qwen-fim: {n_ctx: 4096, scratchpad: FIM-PSM}',
        'chat_default_model: qwen3',
      ].join('\n'),
    });
    assert.equal(caps.chat_models.get('my-gpu/qwen3')!.api_key, 'sk-cmdline', 'empty key → --api-key');
    assert.equal(caps.completion_models.get('my-gpu/qwen-fim')!.endpoint, 'http://gpu.lan:8000/v1/qwen-fim/completions');
    assert.equal(caps.defaults.chat_default_model, 'my-gpu/qwen3');
  });

  it('drops disabled providers and disabled models', () => {
    const { caps } = capsFrom({
      deepseek: 'enabled: false\n',
      ollama: 'chat_models:\n  off: {n_ctx: 1, enabled: false}\n  on: {n_ctx: 1}\n',
    });
    assert.ok(![...caps.chat_models.keys()].some((id) => id.startsWith('deepseek/')));
    assert.ok(!caps.chat_models.has('ollama/off'));
    assert.ok(caps.chat_models.has('ollama/on'));
  });

  it('collects broken files in the error log and still loads the rest', () => {
    const { caps, errorLog } = capsFrom({ broken: 'chat_models: [unclosed\n', typo: 'enabled: "yes please"\n', ollama: '' });
    assert.equal(errorLog.length, 2);
    assert.match(errorLog[0]!.error_msg, /invalid YAML/);
    assert.ok(errorLog[0]!.error_line > 0);
    assert.match(errorLog[1]!.error_msg, /'enabled' must be true or false/);
    assert.ok(caps.completion_models.has('ollama/qwen2.5-coder:1.5b-base'));
  });

  it('with no providers at all, caps are valid and empty', () => {
    const { caps } = capsFrom({});
    assert.deepEqual([caps.chat_models.size, caps.completion_models.size, caps.embedding_model], [0, 0, null]);
  });

  it('providers.d overrides the caps server defaults, and both keep their models', () => {
    const doc = { cloud_name: 'Srv', chat: { endpoint: '/c', models: { m: { n_ctx: 8 } }, default_model: 'm' } };
    const server = parseCapsDocument(JSON.stringify(doc), 'http://s/refact-caps', 'sk-cmdline');
    assert.ok(server.ok);
    const loaded = loadProviderFiles(files({ anthropic: 'api_key: k\nchat_default_model: claude-3-5-haiku-latest\n' }));
    const { caps } = buildCaps(server.server, loaded.providers, OPTIONS);
    assert.ok(caps.chat_models.has('srv/m'));
    assert.equal(caps.defaults.chat_default_model, 'anthropic/claude-3-5-haiku-latest');
  });

  it('falls back to the first model when nobody names a default', () => {
    const { caps } = capsFrom({ ollama: '' });
    assert.equal(caps.defaults.completion_default_model, 'ollama/qwen2.5-coder:1.5b-base');
  });
});

describe('API keys', () => {
  const env = { MY_KEY: 'sk-env', EMPTY: '' };
  const table: [string, string, string | null][] = [
    ['sk-literal', 'sk-literal', null],
    ['', 'sk-cmdline', null],
    ['$MY_KEY', 'sk-env', null],
    ['$MISSING', '', 'MISSING'],
    ['$EMPTY', '', 'EMPTY'],
  ];
  for (const [key, expected, warned] of table) {
    it(`'${key}' → '${expected}'`, () => {
      const resolved = resolveApiKey(key, 'sk-cmdline', env, 'provider p');
      assert.equal(resolved.key, expected);
      if (warned) assert.match(resolved.warning!, new RegExp(warned));
      else assert.equal(resolved.warning, null);
    });
  }

  it('templates read remote keys from the environment, never falling back to --api-key', () => {
    const { caps, warnings } = capsFrom({ openai: '', anthropic: '' });
    assert.equal(caps.chat_models.get('openai/gpt-4o')!.api_key, 'sk-from-env');
    assert.equal(caps.chat_models.get('anthropic/claude-3-5-haiku-latest')!.api_key, '');
    assert.ok(warnings.some((w) => /ANTHROPIC_API_KEY is not set/.test(w)));
  });
});
