import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postJson, sseEvents, startServer, type TestServer } from '../helpers/server';

describe('local chat, embeddings, tokenizer and caps on the tiny GGUF', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s.close());

  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello' },
  ];

  it('answers a chat completion with an assistant message and usage', async () => {
    const r = await postJson(`${s.url}/v1/chat/completions`, { model: 'tiny-llama', messages, max_tokens: 4, temperature: 0 });
    assert.equal(r.status, 200);
    assert.equal(r.body.object, 'chat.completion');
    assert.equal(r.body.choices[0].message.role, 'assistant');
    assert.equal(typeof r.body.choices[0].message.content, 'string');
    // The chat template wraps both messages, so the prompt is longer than their text.
    assert.ok(r.body.usage.prompt_tokens > 'Be brief.hello'.length / 2);
    assert.ok(r.body.usage.completion_tokens >= 1 && r.body.usage.completion_tokens <= 4);
  });

  it('streams chat deltas: role first, content, finish, usage, [DONE]', async () => {
    const r = await postJson(`${s.url}/v1/chat/completions`, { model: 'tiny-llama', messages, max_tokens: 4, temperature: 0, stream: true });
    const events = sseEvents(r.body as string);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(events[0].object, 'chat.completion.chunk');
    assert.equal(events[0].choices[0].delta.role, 'assistant');
    const finish = events.slice(0, -1).flatMap((e) => e.choices).find((c: { finish_reason: string | null }) => c.finish_reason);
    assert.ok(['length', 'stop'].includes(finish.finish_reason));
    assert.ok(events.at(-2).usage.completion_tokens >= 1);
  });

  it('takes an assistant tool call and its tool result in the history', async () => {
    const r = await postJson(`${s.url}/v1/chat/completions`, {
      model: 'tiny-llama',
      max_tokens: 2,
      temperature: 0,
      tools: [{ type: 'function', function: { name: 'cat', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
      messages: [
        { role: 'user', content: 'show a.py' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'cat', arguments: '{"path":"a.py"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'print(1)' },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.usage.prompt_tokens > 10);
  });

  it('refuses a tool result for an unknown call', async () => {
    const r = await postJson(`${s.url}/v1/chat/completions`, {
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'y' }],
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /unknown tool_call_id/);
  });

  it('embeds a batch of inputs into vectors of the model\'s size', async () => {
    const r = await postJson(`${s.url}/v1/embeddings`, { model: 'emb', input: ['hello', 'the world'] });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.length, 2);
    assert.equal(r.body.data[1].index, 1);
    assert.equal(r.body.data[0].embedding.length, 64);
    assert.notDeepEqual(r.body.data[0].embedding, r.body.data[1].embedding);
    assert.ok(r.body.usage.prompt_tokens > 0);
  });

  it('serves caps listing exactly the served models by role', async () => {
    const caps = await (await fetch(`${s.url}/refact-caps`)).json();
    assert.deepEqual(Object.keys(caps.completion.models), ['tiny-llama']);
    assert.deepEqual(Object.keys(caps.chat.models), ['tiny-llama']);
    assert.deepEqual(caps.embedding.models, { emb: { n_ctx: 2048, size: 64 } });
    assert.equal(caps.completion.models['tiny-llama'].supports_scratchpads['FIM-PSM'].fim_prefix, '<|fim_prefix|>');
    assert.equal(caps.tokenizer_endpoints['tiny-llama'], '/tokenizer/tiny-llama');
    const legacy = await (await fetch(`${s.url}/coding_assistant_caps.json`, { headers: { 'user-agent': 'refact-lsp 0.10.2' } })).json();
    assert.equal(legacy.code_completion_default_model, 'tiny-llama');
  });

  it('serves a tokenizer.json built from the GGUF vocabulary', async () => {
    const r = await fetch(`${s.url}/tokenizer/tiny-llama`);
    assert.equal(r.status, 200);
    const tj = await r.json();
    assert.equal(tj.model.type, 'BPE');
    assert.equal(Object.keys(tj.model.vocab).length, 285);
    assert.ok(tj.added_tokens.some((t: { content: string }) => t.content === '<|fim_prefix|>'));
  });

  it('lists models in /v1/models', async () => {
    const list = await (await fetch(`${s.url}/v1/models`)).json();
    assert.deepEqual(list.data.map((m: { id: string }) => m.id), ['tiny-llama', 'emb']);
  });
});
