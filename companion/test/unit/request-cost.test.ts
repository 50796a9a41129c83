import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelInfo } from '../../src/backends/types';
import { chatCost, completionCost, embeddingCost } from '../../src/tokens/request-cost';

const local: ModelInfo = { name: 'm', backend: 'local', completion: true, chat: true, embedding: true, nCtx: 2048, embeddingSize: null, fim: null, supportsTools: true };
const upstream: ModelInfo = { ...local, backend: 'upstream', nCtx: 8192 };

describe('the most a request can spend, held against its quota', () => {
  it('counts prompt bytes (never fewer than tokens), framing and max_tokens for each choice', () => {
    assert.equal(completionCost({ model: 'm', prompt: 'abcd', max_tokens: 10 }, local), 4 + 16 + 10);
    // Two bytes a character: a byte-level tokenizer may spend two tokens on each.
    assert.equal(completionCost({ model: 'm', prompt: 'жж', max_tokens: 10, n: 3 }, local), 4 + 16 + 30);
    assert.equal(completionCost({ model: 'm', prompt: 'a', max_completion_tokens: 7 }, local), 1 + 16 + 7);
  });

  it('without max_tokens: the local default of 500, or the whole context for an upstream', () => {
    assert.equal(completionCost({ model: 'm', prompt: 'a' }, local), 1 + 16 + 500);
    assert.equal(completionCost({ model: 'm', prompt: 'a' }, upstream), 1 + 16 + 8192);
    assert.equal(completionCost({ model: 'm', prompt: 'a' }, undefined), 1 + 16 + 500);
  });

  it('counts chat messages and tools as JSON', () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
    const bare = chatCost({ model: 'm', messages, max_tokens: 5 }, local);
    assert.equal(bare, JSON.stringify(messages).length + 2 + 16 + 5);
    assert.equal(chatCost({ model: 'm', messages, tools, max_tokens: 5 }, local), bare + JSON.stringify(tools).length - 2);
  });

  it('counts every embedding input with its framing', () => {
    assert.equal(embeddingCost({ model: 'm', input: ['ab', 'cde'] }), 2 + 16 + 3 + 16);
    assert.equal(embeddingCost({ model: 'm', input: 'x' }), 1 + 16);
  });
});
