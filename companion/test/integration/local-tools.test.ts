import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { toGrammarSchema } from '../../src/backends/local/json-schema';
import { postJson, sseEvents, startServer, type TestServer } from '../helpers/server';

// Schemas of bounded values only (enums, small integers, booleans), so the random-weight model
// finishes every value within a few tokens: free strings could run on until max_tokens.
const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather forecast',
    parameters: {
      type: 'object',
      properties: {
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        detailed: { type: 'boolean' },
      },
      required: ['unit', 'days', 'detailed'],
      additionalProperties: false,
    },
  },
};
const readFile = {
  type: 'function',
  function: {
    name: 'read_file',
    parameters: { type: 'object', properties: { path: { enum: ['a.py', 'b.py'] }, line: { type: 'integer' } }, required: ['path', 'line'] },
  },
};

/** The checks each tool's schema makes, written out by hand. */
const valid: Record<string, (a: any) => boolean> = {
  get_weather: (a) =>
    Object.keys(a).sort().join() === 'days,detailed,unit' &&
    ['celsius', 'fahrenheit'].includes(a.unit) &&
    Number.isInteger(a.days) && a.days >= 1 && a.days <= 7 &&
    typeof a.detailed === 'boolean',
  read_file: (a) => Object.keys(a).sort().join() === 'line,path' && ['a.py', 'b.py'].includes(a.path) && Number.isSafeInteger(a.line),
};

function assertValidCall(call: any, names: string[]): void {
  assert.match(call.id, /^call_/);
  assert.equal(call.type, 'function');
  assert.ok(names.includes(call.function.name), call.function.name);
  const args = JSON.parse(call.function.arguments);
  assert.ok(valid[call.function.name]!(args), `arguments break the schema: ${call.function.arguments}`);
}

const user = [{ role: 'user', content: 'What is the weather in Paris?' }];

describe('forced tool calls and JSON replies on the tiny GGUF', () => {
  let s: TestServer;
  let chat: (body: object) => ReturnType<typeof postJson>;
  before(async () => {
    s = await startServer();
    chat = (body) => postJson(`${s.url}/v1/chat/completions`, { model: 'tiny-llama', max_tokens: 200, ...body });
  });
  after(async () => s.close());

  it('forces a named tool call whose arguments parse and satisfy the schema, for every choice', async () => {
    const r = await chat({ messages: user, tools: [weather, readFile], tool_choice: { type: 'function', function: { name: 'get_weather' } }, n: 3, seed: 7, temperature: 1 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.choices.length, 3);
    for (const c of r.body.choices) {
      assert.equal(c.finish_reason, 'tool_calls');
      assert.equal(c.message.content, null);
      assert.equal(c.message.tool_calls.length, 1);
      assertValidCall(c.message.tool_calls[0], ['get_weather']);
    }
    assert.ok(r.body.usage.completion_tokens >= 3 * 5);
  });

  it('streams a forced call as delta.tool_calls: id and name first, then argument pieces that reassemble to valid JSON', async () => {
    const r = await chat({ messages: user, tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, stream: true, seed: 3 });
    const events = sseEvents(r.body as string);
    assert.equal(events.at(-1), '[DONE]');
    const choices = events.slice(0, -1).flatMap((e) => e.choices);
    const deltas = choices.flatMap((c: any) => c.delta.tool_calls ?? []);
    assert.equal(deltas[0].index, 0);
    assert.match(deltas[0].id, /^call_/);
    assert.equal(deltas[0].type, 'function');
    assert.equal(deltas[0].function.name, 'get_weather');
    const pieces = deltas.slice(1);
    assert.ok(pieces.length > 1, 'the arguments come in several pieces');
    assert.ok(pieces.every((d: any) => d.index === 0 && d.id === undefined && d.function.name === undefined));
    const args = deltas.map((d: any) => d.function.arguments).join('');
    assert.ok(valid.get_weather!(JSON.parse(args)), args);
    assert.equal(choices.find((c: any) => c.finish_reason).finish_reason, 'tool_calls');
    assert.ok(choices.every((c: any) => !c.delta.content), 'no content besides the tool call');
  });

  it('with "required" and two tools, calls one of them with arguments valid for it', async () => {
    const r = await chat({ messages: user, tools: [weather, readFile], tool_choice: 'required', n: 4, seed: 11, temperature: 1 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const c of r.body.choices) {
      assert.equal(c.finish_reason, 'tool_calls');
      assertValidCall(c.message.tool_calls[0], ['get_weather', 'read_file']);
    }
  });

  it('constrains content to response_format json_schema, streamed or not, and /v1/completions too', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { enum: ['yes', 'no'] }, score: { type: 'integer', minimum: 0, maximum: 9 }, tags: { type: 'array', items: { enum: ['x', 'y'] }, maxItems: 3 } },
      required: ['answer', 'score', 'tags'],
    };
    const check = (text: string) => {
      const v = JSON.parse(text);
      assert.deepEqual(Object.keys(v), ['answer', 'score', 'tags']);
      assert.ok(['yes', 'no'].includes(v.answer) && Number.isInteger(v.score) && v.score <= 9 && v.tags.length <= 3, text);
      assert.ok(v.tags.every((t: string) => t === 'x' || t === 'y'), text);
    };
    const response_format = { type: 'json_schema', json_schema: { name: 'verdict', schema, strict: true } };
    const r = await chat({ messages: user, response_format, seed: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.choices[0].finish_reason, 'stop');
    check(r.body.choices[0].message.content);
    const streamed = await chat({ messages: user, response_format, seed: 6, stream: true });
    check(sseEvents(streamed.body as string).slice(0, -1).flatMap((e) => e.choices).map((c: any) => c.delta.content ?? '').join(''));
    const completion = await postJson(`${s.url}/v1/completions`, { model: 'tiny-llama', prompt: 'The verdict:', max_tokens: 200, response_format, seed: 2 });
    assert.equal(completion.status, 200, JSON.stringify(completion.body));
    check(completion.body.choices[0].text);
  });

  it('starts a json_object reply with "{"', async () => {
    const r = await chat({ messages: user, response_format: { type: 'json_object' }, max_tokens: 40, seed: 1 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const text: string = r.body.choices[0].message.content;
    assert.ok(text.startsWith('{'), text);
    if (r.body.choices[0].finish_reason === 'stop') assert.equal(typeof JSON.parse(text), 'object');
  });

  it('refuses a forced tool that is not in tools, in OpenAI\'s error shape', async () => {
    const r = await chat({ messages: user, tools: [weather], tool_choice: { type: 'function', function: { name: 'delete_repo' } } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.type, 'invalid_request_error');
    assert.equal(r.body.error.param, 'tool_choice');
    assert.match(r.body.error.message, /"delete_repo", which is not in "tools"; the tools are "get_weather"/);
  });

  it('refuses a schema the grammar cannot enforce, naming the keyword and where it is', async () => {
    const tool = { type: 'function', function: { name: 'grep', parameters: { type: 'object', properties: { re: { type: 'string', pattern: '^a+$' } } } } };
    const r = await chat({ messages: user, tools: [tool], tool_choice: 'required' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, 'tools[0].function.parameters at /properties/re: "pattern" cannot be expressed by the generation grammar');
    const f = await chat({ messages: user, response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'number', minimum: 0 } } } });
    assert.equal(f.status, 400);
    assert.equal(f.body.error.param, 'response_format');
    assert.match(f.body.error.message, /number bounds/);
  });

  it('takes a forced call and its tool result as the next turn, and can force another call', async () => {
    const first = await chat({ messages: user, tools: [weather], tool_choice: 'required', seed: 9 });
    const call = first.body.choices[0].message.tool_calls[0];
    const turn = (result: string) => [
      ...user,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: result },
    ];
    const short = await chat({ messages: turn('sunny'), tools: [weather], max_tokens: 2 });
    const long = await chat({ messages: turn('sunny, 24 degrees, light wind from the west, no rain expected'), tools: [weather], max_tokens: 2 });
    assert.equal(short.status, 200, JSON.stringify(short.body));
    // The tool result is in the prompt: a longer result makes a longer prompt.
    assert.ok(long.body.usage.prompt_tokens > short.body.usage.prompt_tokens + 10);
    const again = await chat({ messages: turn('sunny'), tools: [weather], tool_choice: 'required', seed: 4 });
    assertValidCall(again.body.choices[0].message.tool_calls[0], ['get_weather']);
  });

  it('refuses response_format beside tools the model may or may not call', async () => {
    const r = await chat({ messages: user, tools: [weather], response_format: { type: 'json_object' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'unsupported_for_model');
  });

  it('gives the official openai client message.tool_calls it can read', async () => {
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weather as OpenAI.Chat.ChatCompletionTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
      seed: 2,
    });
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    const call = r.choices[0]!.message.tool_calls![0]!;
    assert.equal(call.type, 'function');
    if (call.type === 'function') assertValidCall(call, ['get_weather']);
  });
});

describe('JSON Schema to grammar schema', () => {
  const t = (schema: unknown) => toGrammarSchema(schema, 'schema', 'response_format');

  it('rewrites anyOf, definitions, nullable and small integer ranges into what the grammar supports', () => {
    assert.deepEqual(t({ anyOf: [{ type: 'string' }, { type: 'null' }], title: 'x' }), { oneOf: [{ type: 'string' }, { type: 'null' }] });
    assert.deepEqual(t({ definitions: { P: { enum: [1, 2] } }, properties: { p: { $ref: '#/definitions/P' } } }), {
      type: 'object',
      properties: { p: { $ref: '#/$defs/P' } },
      $defs: { P: { enum: [1, 2] } },
    });
    assert.deepEqual(t({ type: 'integer', minimum: 2, exclusiveMaximum: 5, nullable: true }), { oneOf: [{ enum: [2, 3, 4] }, { type: 'null' }] });
    assert.deepEqual(t({ type: ['boolean', 'null'] }), { oneOf: [{ type: 'boolean' }, { type: 'null' }] });
    assert.deepEqual(t({ type: 'string', format: 'email', maxLength: 9 }), { type: 'string', maxLength: 9 });
  });

  it('refuses what it cannot enforce, with a JSON pointer', () => {
    const refuse = (schema: unknown, message: RegExp) => assert.throws(() => t(schema), (e: Error) => message.test(e.message));
    refuse({ properties: { a: { $ref: '#/$defs/Missing' } } }, /at \/properties\/a: "\$ref" names "Missing", which is not in "\$defs"/);
    refuse({ allOf: [{ type: 'string' }, { maxLength: 3 }] }, /"allOf" of several schemas/);
    refuse({ type: 'object', anyOf: [{ required: ['a'] }] }, /"anyOf" beside "type"/);
    refuse({ type: 'object', properties: {}, required: ['a'] }, /required property "a" is not among "properties"/);
    refuse({ type: 'integer', minimum: 0 }, /integer bounds/);
    refuse({ type: 'array', uniqueItems: true }, /"uniqueItems" cannot be expressed/);
  });
});
