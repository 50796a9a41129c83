/**
 * `POST /v1/code-completion` in Refact's shapes: a JSON answer, or with `stream: true` SSE
 * frames of deltas, a last frame with the finish reason, then `[DONE]`. The client closing the
 * connection cancels the completion, and with it the upstream request.
 */
import type { FastifyReply } from 'fastify';
import { CompletionRoutes, type CodeCompletionFinishReason, type CodeCompletionRequest, type CodeCompletionStreamFrame } from '../../../src/protocol/completion';
import { ErrorCodes } from '../../../src/protocol/errors';
import type { CompletionService, DeltaMeta } from '../../services/completion/completion-service';
import { completionInputFromRefact } from '../../services/completion/requests';
import type { RouteModule } from '../app';
import { unwrap } from '../outcome';

const cursorSchema = {
  type: 'object',
  required: ['file', 'line', 'character'],
  properties: { file: { type: 'string', minLength: 1 }, line: { type: 'integer', minimum: 0 }, character: { type: 'integer', minimum: 0 } },
} as const;

const bodySchema = {
  type: 'object',
  required: ['inputs'],
  properties: {
    inputs: {
      type: 'object',
      required: ['sources', 'cursor'],
      properties: {
        sources: { type: 'object', additionalProperties: { type: 'string' } },
        cursor: cursorSchema,
        multiline: { type: 'boolean' },
      },
    },
    model: { type: 'string' },
    parameters: {
      type: 'object',
      properties: {
        max_new_tokens: { type: 'integer', minimum: 0 },
        temperature: { type: 'number', minimum: 0 },
        top_p: { type: 'number', minimum: 0, maximum: 1 },
        stop: { type: 'array', items: { type: 'string' } },
        n: { type: 'integer', minimum: 1 },
      },
    },
    stream: { type: 'boolean' },
    no_cache: { type: 'boolean' },
    use_ast: { type: 'boolean' },
    use_vecdb: { type: 'boolean' },
    rag_tokens_n: { type: 'integer', minimum: 0 },
    scratchpad: { type: 'string' },
  },
} as const;

export function completionRoutes(completion: CompletionService): RouteModule {
  return (app) => {
    app.post<{ Body: CodeCompletionRequest }>(CompletionRoutes.codeCompletion, { schema: { body: bodySchema } }, async (request, reply) => {
      const input = unwrap(completionInputFromRefact(request.body));
      const gone = new AbortController();
      // The response closing before it finished means the client left.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) gone.abort(new Error('the HTTP client closed the connection'));
      });
      if (!request.body.stream) return unwrap(await completion.complete(input, { signal: gone.signal }));
      return streamAnswer(reply, (onDelta) => completion.complete(input, { signal: gone.signal, onDelta }));
    });
  };
}

type Run = (onDelta: (text: string, meta: DeltaMeta) => void) => ReturnType<CompletionService['complete']>;

/**
 * Frames go out as text comes; the status line waits for the first one, so a failure before any
 * text is still a plain 4xx/5xx with a `detail`. The deltas add up to the whole completion;
 * the last frame carries the finish reason and the context report.
 */
async function streamAnswer(reply: FastifyReply, run: Run): Promise<FastifyReply> {
  let started = false;
  const send = (data: unknown) => {
    if (!started) {
      started = true;
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...corsHeaders(reply) });
    }
    if (!reply.raw.destroyed) reply.raw.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const outcome = await run((text, meta) => send(frame(meta, text, null)));
  if (!started && !outcome.ok) return reply.code(ErrorCodes[outcome.kind].status).type('application/json').send({ detail: outcome.detail });
  if (outcome.ok) {
    const answer = outcome.value;
    send({ ...frame(answer, '', answer.choices[0]?.finish_reason ?? 'stop'), cached: answer.cached, ...(answer.context ? { context: answer.context } : {}) });
  } else {
    send({ detail: outcome.detail });
  }
  if (!reply.raw.destroyed) reply.raw.end('data: [DONE]\n\n');
  return reply;
}

function frame(meta: DeltaMeta, text: string, finish: CodeCompletionFinishReason): CodeCompletionStreamFrame {
  return { choices: [{ index: 0, code_completion: text, finish_reason: finish }], model: meta.model, snippet_telemetry_id: meta.snippet_telemetry_id, created: meta.created };
}

/** A hijacked reply skips fastify's hooks' headers; the CORS answer set by the guard must still go out. */
function corsHeaders(reply: FastifyReply): Record<string, string> {
  const origin = reply.getHeader('access-control-allow-origin');
  return typeof origin === 'string' ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}
