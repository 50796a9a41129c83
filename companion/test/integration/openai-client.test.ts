import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startServer, type TestServer } from '../helpers/server';

describe('the official openai npm client against the server', () => {
  let s: TestServer;
  let client: OpenAI;
  before(async () => {
    s = await startServer({ apiTokens: ['sk-test'] });
    client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(async () => s.close());

  it('creates a completion', async () => {
    const r = await client.completions.create({ model: 'tiny-llama', prompt: 'hello world', max_tokens: 3, temperature: 0 });
    assert.equal(r.choices.length, 1);
    assert.equal(r.usage?.completion_tokens, 3);
  });

  it('streams a completion', async () => {
    const whole = await client.completions.create({ model: 'tiny-llama', prompt: 'hello', max_tokens: 3, temperature: 0 });
    const stream = await client.completions.create({ model: 'tiny-llama', prompt: 'hello', max_tokens: 3, temperature: 0, stream: true });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text += c.text;
        finish = c.finish_reason ?? finish;
      }
    }
    assert.equal(finish, 'length');
    assert.equal(text, whole.choices[0]?.text);
  });

  it('streams a chat completion', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 3,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      usage = chunk.usage ?? usage;
    }
    assert.ok(chunks >= 3);
    assert.ok(usage && usage.completion_tokens >= 1);
  });

  it('creates embeddings', async () => {
    const r = await client.embeddings.create({ model: 'emb', input: 'hello world' });
    assert.equal(r.data[0]?.embedding.length, 64);
  });

  it('lists models', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['tiny-llama', 'emb']);
  });

  it('raises NotFoundError with the server\'s message for an unknown model', async () => {
    await assert.rejects(client.completions.create({ model: 'gpt-9', prompt: 'x' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.match(err.message, /not served here/);
      return true;
    });
  });

  it('raises AuthenticationError for a wrong key', async () => {
    const bad = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(bad.models.list(), OpenAI.AuthenticationError);
  });
});
