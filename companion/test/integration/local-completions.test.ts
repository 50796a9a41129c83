import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postJson, sseEvents, startServer, type TestServer } from '../helpers/server';

describe('local completions on the tiny GGUF', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => s.close());

  const complete = (body: object) => postJson(`${s.url}/v1/completions`, { model: 'tiny-llama', temperature: 0, ...body });

  it('answers a completion with text, finish_reason and usage', async () => {
    const r = await complete({ prompt: 'hello world', max_tokens: 5 });
    assert.equal(r.status, 200);
    assert.equal(r.body.object, 'text_completion');
    assert.equal(r.body.model, 'tiny-llama');
    assert.equal(r.body.choices.length, 1);
    assert.equal(typeof r.body.choices[0].text, 'string');
    assert.ok(['length', 'stop'].includes(r.body.choices[0].finish_reason));
    const u = r.body.usage;
    assert.ok(u.prompt_tokens > 1);
    assert.ok(u.completion_tokens >= 1 && u.completion_tokens <= 5);
    assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  });

  it('stops at max_tokens with finish_reason "length"', async () => {
    // A random-weight model rarely emits EOS, so 3 tokens end by length.
    const r = await complete({ prompt: 'the world', max_tokens: 3 });
    assert.equal(r.body.usage.completion_tokens, 3);
    assert.equal(r.body.choices[0].finish_reason, 'length');
  });

  it('cuts the text at a stop sequence', async () => {
    const free = await complete({ prompt: 'hello the world', max_tokens: 24 });
    const text: string = free.body.choices[0].text;
    // Greedy decoding is deterministic, so a character of the free text is sure to come again.
    const chars = [...text];
    const cut = chars.findIndex((ch, i) => i >= 2 && /^[\x21-\x7e]$/.test(ch));
    assert.ok(cut > 0, `need a printable ASCII stop character in ${JSON.stringify(text)}`);
    const stop = chars[cut] as string;
    const stopped = await complete({ prompt: 'hello the world', max_tokens: 24, stop: [stop] });
    assert.equal(stopped.body.choices[0].finish_reason, 'stop');
    assert.ok(!stopped.body.choices[0].text.includes(stop));
    assert.ok(stopped.body.usage.completion_tokens < free.body.usage.completion_tokens);
    // Random weights emit broken UTF-8 bytes; compare without replacement characters.
    const clean = (t: string) => t.replace(/\uFFFD/g, '');
    assert.ok(clean(text).startsWith(clean(stopped.body.choices[0].text)));
  });

  it('returns n choices with their own indexes', async () => {
    const r = await complete({ prompt: 'hello world', max_tokens: 2, n: 3 });
    assert.deepEqual(r.body.choices.map((c: { index: number }) => c.index), [0, 1, 2]);
    assert.equal(r.body.usage.completion_tokens, 6);
  });

  it('echoes the prompt before the completion', async () => {
    const r = await complete({ prompt: 'hello world', max_tokens: 2, echo: true });
    assert.ok(r.body.choices[0].text.startsWith('hello world'));
  });

  it('streams SSE chunks that add up to the text and end with [DONE]', async () => {
    const plain = await complete({ prompt: 'a world of', max_tokens: 6 });
    const r = await complete({ prompt: 'a world of', max_tokens: 6, stream: true });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = sseEvents(r.body as string);
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1);
    const text = chunks.flatMap((e) => e.choices.map((c: { text: string }) => c.text)).join('');
    assert.equal(text, plain.body.choices[0].text);
    const finish = chunks.flatMap((e) => e.choices).find((c: { finish_reason: string | null }) => c.finish_reason);
    assert.equal(finish.finish_reason, 'length');
    const usage = chunks.at(-1).usage;
    assert.deepEqual(usage, plain.body.usage);
  });

  it('reads FIM markers in the prompt as the model\'s special tokens', async () => {
    const fim = await complete({ prompt: '<|fim_prefix|>def<|fim_suffix|>\n<|fim_middle|>', max_tokens: 1 });
    const text = await complete({ prompt: '<fim_prefix>def<fim_suffix>\n<fim_middle>', max_tokens: 1 });
    // Three special tokens + "def\n" versus the same markers spelled out byte by byte.
    assert.ok(fim.body.usage.prompt_tokens <= 10, `prompt_tokens ${fim.body.usage.prompt_tokens}`);
    assert.ok(text.body.usage.prompt_tokens > fim.body.usage.prompt_tokens + 20);
  });

  it('counts requests, tokens and time to first token in /metrics', async () => {
    const m = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(m, /refact_requests_total\{model="tiny-llama",route="completions",status="200"\} \d+/);
    assert.match(m, /refact_completion_tokens_total\{model="tiny-llama"\} [1-9]\d*/);
    assert.match(m, /refact_time_to_first_token_seconds_count\{model="tiny-llama"\} [1-9]/);
    assert.match(m, /refact_queue_length\{model="tiny-llama"\} 0/);
    assert.match(m, /refact_tokens_per_second\{model="tiny-llama"\} \d/);
  });
});
