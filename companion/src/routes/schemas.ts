/** JSON schemas of the request bodies; fastify validates before a handler runs. */

const sampling = {
  max_tokens: { type: 'integer', minimum: 1 },
  max_completion_tokens: { type: 'integer', minimum: 1 },
  temperature: { type: 'number', minimum: 0, maximum: 4 },
  top_p: { type: 'number', minimum: 0, maximum: 1 },
  n: { type: 'integer', minimum: 1, maximum: 8 },
  stream: { type: 'boolean' },
  seed: { type: 'integer' },
  stop: {
    anyOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'string' }, maxItems: 16 },
      { type: 'null' },
    ],
  },
  stream_options: { type: ['object', 'null'] },
} as const;

/** OpenAI's `response_format`; the JSON schema inside is the client's and is checked later. */
const responseFormat = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
    json_schema: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        schema: { type: 'object' },
        strict: { type: ['boolean', 'null'] },
      },
    },
  },
} as const;

export const completionBody = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string' },
    echo: { type: 'boolean' },
    response_format: responseFormat,
    ...sampling,
  },
} as const;

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
    content: { anyOf: [{ type: 'string' }, { type: 'array' }, { type: 'null' }] },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'function'],
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          function: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } },
        },
      },
    },
  },
} as const;

export const chatBody = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    messages: { type: 'array', minItems: 1, items: message },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        required: ['function'],
        properties: {
          type: { type: 'string' },
          function: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string', minLength: 1 }, parameters: { type: 'object' } },
          },
        },
      },
    },
    tool_choice: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    response_format: responseFormat,
    ...sampling,
  },
} as const;

export const embeddingBody = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2048 }] },
    encoding_format: { type: 'string', enum: ['float', 'base64'] },
    dimensions: { type: 'integer' },
    user: { type: 'string' },
  },
} as const;

export const tokenizerParams = {
  type: 'object',
  required: ['model'],
  properties: { model: { type: 'string', minLength: 1 } },
} as const;

export const noBody = { response: {} } as const;
