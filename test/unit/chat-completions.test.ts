/**
 * The chat-completions adapter's shapes: the request body per reasoning family, and stream
 * chunks in the dialects providers send, read through a scripted client (the real client's
 * transport is tested in upstream-client.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatRequestBody, postChat, streamChat, type ChatCall } from '../../server/services/upstream/chat-completions';
import { UpstreamError, type UpstreamClient } from '../../server/services/upstream/upstream-client';

const target = { provider: 'prov', url: 'http://127.0.0.1:1/v1/chat/completions', apiKey: '' };
const call: ChatCall = { model: 'm', messages: [{ role: 'user', content: 'q' }], maxTokens: 4096, temperature: 0.2, reasoningStyle: null, boostReasoning: false };

function scripted(chunks: unknown[]): UpstreamClient {
  return {
    postJson: async () => chunks[0],
    streamJson: async function* () {
      yield* chunks;
    },
    dispose: () => undefined,
  };
}

async function collect(chunks: unknown[]) {
  const pieces = [];
  for await (const piece of streamChat(scripted(chunks), target, call)) pieces.push(piece);
  return pieces;
}

describe('chat request bodies', () => {
  it('asks for usage in streams and sends sampling as each reasoning family wants it', () => {
    assert.deepEqual(chatRequestBody(call, true), { model: 'm', messages: call.messages, stream: true, stream_options: { include_usage: true }, max_tokens: 4096, temperature: 0.2 });
    const openai = chatRequestBody({ ...call, reasoningStyle: 'openai', boostReasoning: true }, false);
    assert.deepEqual([openai.max_completion_tokens, openai.reasoning_effort, openai.temperature, openai.max_tokens], [4096, 'high', undefined, undefined]);
    const anthropic = chatRequestBody({ ...call, reasoningStyle: 'anthropic', boostReasoning: true }, false);
    assert.deepEqual([anthropic.thinking, anthropic.temperature], [{ type: 'enabled', budget_tokens: 2048 }, undefined]);
    assert.equal(chatRequestBody({ ...call, reasoningStyle: 'anthropic' }, false).temperature, 0.2);
    assert.equal(chatRequestBody({ ...call, reasoningStyle: 'deepseek' }, false).temperature, undefined);
    assert.equal(chatRequestBody({ ...call, temperature: null }, false).temperature, undefined);
    assert.equal(chatRequestBody({ ...call, tools: [] }, false).tools, undefined);
  });
});

describe('chat stream chunks', () => {
  it('reads content, reasoning in both spellings, tool calls, thinking blocks, finish and usage', async () => {
    const pieces = await collect([
      { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
      { choices: [{ index: 0, delta: { reasoning_content: 'a' } }] },
      { choices: [{ index: 0, delta: { reasoning: 'b' } }] },
      { choices: [{ index: 0, delta: { content: [{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 't', function: { name: 'cat', arguments: '' } }] } }] },
      { choices: [{ index: 0, delta: { thinking_blocks: [{ type: 'thinking', thinking: 'z', signature: 's' }] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], citations: ['https://a'] },
      { choices: [], usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 5 } },
    ]);
    assert.deepEqual(pieces, [
      { reasoning: 'a' },
      { reasoning: 'b' },
      { content: 'xy' },
      { toolCalls: [{ index: 0, id: 't', function: { name: 'cat', arguments: '' } }] },
      { thinkingBlocks: [{ type: 'thinking', thinking: 'z', signature: 's' }] },
      { extra: { citations: ['https://a'] }, finishReason: 'tool_calls' },
      { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, cache_read_input_tokens: 5 } },
    ]);
  });

  it('turns an error event and a shapeless chunk into errors that name the provider', async () => {
    await assert.rejects(collect([{ error: { message: 'quota exceeded' } }]), (e: UpstreamError) => e.kind === 'http' && /provider 'prov' failed mid-answer: quota exceeded/.test(e.message));
    await assert.rejects(collect([{ nothing: true }]), (e: UpstreamError) => e.kind === 'malformed' && /provider 'prov'/.test(e.message));
    await assert.rejects(collect(['text']), (e: UpstreamError) => e.kind === 'malformed');
  });

  it('reads a whole answer from its message', async () => {
    const piece = await postChat(scripted([{ choices: [{ index: 0, message: { role: 'assistant', content: 'Title' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }]), target, call);
    assert.deepEqual(piece, { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, content: 'Title', finishReason: 'stop' });
  });
});
