import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { readPostedModel, type PostedModel } from '../../server/core/providers/dto';
import { providerTemplate } from '../../server/core/providers/templates';
import { editModelYaml, editProviderYaml, removeModelYaml } from '../../server/core/providers/yaml-edit';

const PATH = '/cfg/providers.d/openai.yaml';
const USER_FILE = `# My OpenAI settings; keep this comment.
api_key: sk-old # rotated monthly
my_note: something we do not know about
chat_models:
  # the one I use most
  gpt-x:
    n_ctx: 1000
    my_flag: true
`;

function edited(outcome: { ok: boolean; value?: string; detail?: string }): string {
  assert.ok(outcome.ok, outcome.detail);
  return outcome.value!;
}

function posted(type: 'chat' | 'completion' | 'embedding', model: unknown): PostedModel {
  const outcome = readPostedModel(type, model);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.detail);
  return outcome.value;
}

describe('providers.d write-back', () => {
  it('changes a provider field and keeps comments and unknown fields', () => {
    const text = edited(editProviderYaml(USER_FILE, PATH, { name: 'openai', api_key: 'sk-new', enabled: true }, providerTemplate('openai')!));
    assert.match(text, /^# My OpenAI settings; keep this comment\./);
    assert.match(text, /api_key: sk-new # rotated monthly/);
    assert.match(text, /my_note: something we do not know about/);
    assert.match(text, /# the one I use most/);
    assert.match(text, /my_flag: true/);
    assert.equal(parse(text).enabled, true);
  });

  it('writes only values that differ from the template or are already in the file', () => {
    const template = providerTemplate('openai')!;
    const text = edited(editProviderYaml(null, PATH, { name: 'openai', chat_endpoint: template.chat_endpoint, api_key: 'sk-1', enabled: true }, template));
    assert.deepEqual(parse(text), { api_key: 'sk-1', enabled: true });
  });

  it('adds a chat model beside the user fields of an existing one', () => {
    const text = edited(editModelYaml(USER_FILE, PATH, posted('chat', { name: 'gpt-x', n_ctx: 2000, supports_tools: true })));
    const doc = parse(text);
    assert.equal(doc.chat_models['gpt-x'].n_ctx, 2000);
    assert.equal(doc.chat_models['gpt-x'].my_flag, true);
    assert.match(text, /# the one I use most/);
  });

  it('fills a completion model from its family', () => {
    const text = edited(editModelYaml('', PATH, posted('completion', { name: 'my-fim', n_ctx: 4096, model_family: 'qwen2.5-coder-base' })));
    const model = parse(text).completion_models['my-fim'];
    assert.equal(model.scratchpad, 'FIM-PSM');
    assert.equal(model.scratchpad_patch.fim_middle, '<|fim_middle|>');
  });

  it('replaces a bare embedding model name with a full record', () => {
    const text = edited(editModelYaml('embedding_model: text-embedding-3-small\n', PATH, posted('embedding', { name: 'e', n_ctx: 512, embedding_size: 768 })));
    assert.deepEqual(parse(text).embedding_model, { n_ctx: 512, name: 'e', tokenizer: '', enabled: true, embedding_size: 768, rejection_threshold: 0.63, embedding_batch: 64 });
  });

  it('removes a model and keeps the rest of the file', () => {
    const text = edited(removeModelYaml(USER_FILE, PATH, 'chat', 'gpt-x', 'openai'));
    assert.equal(parse(text).chat_models['gpt-x'], undefined);
    assert.match(text, /my_note/);
  });

  it('refuses to edit what it cannot read, and reports what is missing', () => {
    const broken = editProviderYaml('api_key: [oops\n', PATH, { name: 'openai', enabled: true }, providerTemplate('openai')!);
    assert.deepEqual([broken.ok, !broken.ok && broken.kind], [false, 'Unprocessable']);
    const scalar = editModelYaml('just text', PATH, posted('chat', { name: 'm' }));
    assert.equal(scalar.ok, false);
    const missing = removeModelYaml(USER_FILE, PATH, 'completion', 'nope', 'openai');
    assert.deepEqual([missing.ok, !missing.ok && missing.kind], [false, 'NotFound']);
  });

  it('validates posted models', () => {
    const table: [string, unknown, RegExp][] = [
      ['chat', { n_ctx: 1 }, /'model\.name' is required/],
      ['chat', { name: 'm', n_ctx: -1 }, /n_ctx' must be a whole number/],
      ['completion', { name: 'm', model_family: 'gpt' }, /model_family' must be one of/],
      ['embedding', 'text', /must be an object/],
    ];
    for (const [type, model, expected] of table) {
      const outcome = readPostedModel(type as 'chat', model);
      assert.equal(outcome.ok, false);
      assert.match((outcome as { detail: string }).detail, expected);
    }
  });
});
