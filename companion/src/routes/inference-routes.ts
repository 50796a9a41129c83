import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatCompletionRequest, CompletionRequest, EmbeddingRequest } from '../../../src/protocol/openai';
import { CompanionRoutes } from '../../../src/protocol/openai';
import type { AppDeps } from '../app';
import type { RequestContext } from '../backends/types';
import { ApiError } from '../http/api-error';
import { disconnectSignal, sendReply } from '../http/send-reply';
import { chatBody, completionBody, embeddingBody } from './schemas';

/** `/v1/completions`, `/v1/chat/completions`, `/v1/embeddings`: thin adapters into backends. */
export function inferenceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { catalog, metrics, auth, limiter, limits, tokens } = deps;

  /** Auth, rate limit and quota, then `run` with the request's context; counts the answer. */
  async function guarded(request: FastifyRequest, reply: FastifyReply, route: string, run: (ctx: RequestContext) => Promise<number>) {
    const model = String((request.body as { model?: unknown } | undefined)?.model ?? '');
    let status = 500;
    try {
      const { key, token } = auth.check(request);
      limiter.take(key, token?.rateLimitPerMinute);
      if (token) tokens.checkQuota(token);
      const onUsage = token ? (prompt: number, generated: number) => tokens.addUsage(token, prompt + generated) : undefined;
      status = await run({ caller: key, signal: disconnectSignal(reply), ...(onUsage ? { onUsage } : {}) });
    } catch (err) {
      status = err instanceof ApiError ? err.status : 500;
      throw err;
    } finally {
      metrics.request(catalog.find(model) ? model : '(unknown)', route, status);
    }
  }

  app.post(CompanionRoutes.completions, { schema: { body: completionBody } }, async (request, reply) => {
    const body = request.body as CompletionRequest;
    await guarded(request, reply, 'completions', async (ctx) => {
      if (body.prompt.length === 0) throw new ApiError('badRequest', 'the "prompt" must not be empty', { param: 'prompt' });
      if (body.prompt.length > limits.maxPromptChars) {
        throw new ApiError('promptTooLong', `The prompt is ${body.prompt.length} characters; this server accepts at most ${limits.maxPromptChars}.`, { param: 'prompt' });
      }
      return sendReply(reply, await catalog.get(body.model).completion(body, ctx));
    });
  });

  app.post(CompanionRoutes.chatCompletions, { schema: { body: chatBody } }, async (request, reply) => {
    const body = request.body as ChatCompletionRequest;
    await guarded(request, reply, 'chat', async (ctx) => {
      const chars = body.messages.reduce((a, m) => a + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length), 0);
      if (chars > limits.maxPromptChars) {
        throw new ApiError('promptTooLong', `The messages are ${chars} characters; this server accepts at most ${limits.maxPromptChars}.`, { param: 'messages' });
      }
      return sendReply(reply, await catalog.get(body.model).chat(body, ctx));
    });
  });

  app.post(CompanionRoutes.embeddings, { schema: { body: embeddingBody } }, async (request, reply) => {
    const body = request.body as EmbeddingRequest;
    await guarded(request, reply, 'embeddings', async (ctx) => {
      const answer = await catalog.get(body.model).embeddings(body, ctx);
      await reply.send(answer);
      return 200;
    });
  });
}
