import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelInfo } from '../../src/backends/types';
import { buildCaps, toLegacyCaps, wantsLegacyCaps } from '../../src/caps';
import { FIM_FAMILIES } from '../../src/registry/fim-families';

const model = (over: Partial<ModelInfo>): ModelInfo => ({
  name: 'm', backend: 'local', completion: true, chat: false, embedding: false, nCtx: 4096, embeddingSize: null, fim: null, supportsTools: false, ...over,
});

describe('caps', () => {
  const qwen = FIM_FAMILIES[0]!.patch;
  const caps = buildCaps(
    [
      model({ name: 'plain', completion: true }),
      model({ name: 'qwen2.5/coder/1.5b/base', fim: qwen }),
      model({ name: 'chat-model', completion: false, chat: true, supportsTools: true, backend: 'upstream' }),
      model({ name: 'gte', completion: false, embedding: true, nCtx: 512, embeddingSize: 768 }),
    ],
    42,
  );

  it('lists models by role, FIM models with their FIM-PSM patch and as the default', () => {
    assert.deepEqual(Object.keys(caps.completion.models).sort(), ['plain', 'qwen2.5/coder/1.5b/base']);
    assert.equal(caps.completion.default_model, 'qwen2.5/coder/1.5b/base');
    assert.deepEqual(caps.completion.models['qwen2.5/coder/1.5b/base']?.supports_scratchpads, { 'FIM-PSM': qwen });
    assert.deepEqual(caps.completion.models.plain?.supports_scratchpads, { REPLACE: {} });
    assert.equal(caps.chat.default_model, 'chat-model');
    assert.equal(caps.chat.models['chat-model']?.supports_tools, true);
    assert.deepEqual(caps.embedding?.models, { gte: { n_ctx: 512, size: 768 } });
    assert.equal(caps.embedding?.endpoint, 'v1/embeddings');
    assert.equal(caps.tokenizer_endpoints?.['qwen2.5/coder/1.5b/base'], '/tokenizer/qwen2.5--coder--1.5b--base');
    assert.equal(caps.caps_version, 42);
  });

  it('converts to the legacy flat format for old refact-lsp clients', () => {
    assert.equal(wantsLegacyCaps('refact-lsp 0.10.14'), true);
    assert.equal(wantsLegacyCaps('refact-lsp 0.10.15'), false);
    assert.equal(wantsLegacyCaps('refact-lsp 1.0.0'), false);
    assert.equal(wantsLegacyCaps(undefined), false);
    const legacy = toLegacyCaps(caps);
    assert.equal(legacy.code_completion_default_model, 'qwen2.5/coder/1.5b/base');
    assert.equal(legacy.tokenizer_rewrite_path?.['qwen2.5/coder/1.5b/base'], 'qwen2.5--coder--1.5b--base');
    assert.equal(legacy.size_embeddings, 768);
  });
});
