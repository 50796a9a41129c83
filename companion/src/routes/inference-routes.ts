import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatCompletionRequest, CompletionRequest, EmbeddingRequest } from '../../../src/protocol/openai';
import { CompanionRoutes } from '../../../src/protocol/openai';
import type { AppDeps } from '../app';
import type { ModelInfo, RequestContext } from '../backends/types';
import { ApiError } from '../http/api-error';
import { disconnectSignal, sendReply } from '../http/send-reply';
import { chatCost, completionCost, embeddingCost } from '../tokens/request-cost';
import type { Reservation } from '../tokens/token-store';
import { chatBody, completionBody, embeddingBody } from './schemas';

/** `/v1/completions`, `/v1/chat/completions`, `/v1/embeddings`: thin adapters into backends. */
export function inferenceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { catalog, metrics, auth, limiter, limits, tokens } = deps;

  /**
   * Auth, rate limit and the quota hold, then `run` with the request's context; counts the
   * answer. `cost` is the most the request can spend (see `request-cost.ts`): held against the
   * token's quotas from here, settled with what it really spent when the backend reports its
   * usage, or released when the request fails before a backend took it on. A backend that
   * returned an answer always reports, however the answer ends.
   */
  async function guarded(request: FastifyRequest, reply: FastifyReply, route: string, cost: (model: ModelInfo | undefined) => number, run: (ctx: RequestContext) => Promise<number>) {
    const model = String((request.body as { model?: unknown } | undefined)?.model ?? '');
    let status = 500;
    let hold: Reservation | null = null;
    try {
      const { key, token } = auth.check(request);
      limiter.take(key, token?.rateLimitPerMinute);
      hold = token ? tokens.reserve(token, cost(catalog.find(model)?.info)) : null;
      const settle = hold?.settle;
      status = await run({ caller: key, signal: disconnectSignal(reply), ...(settle ? { onUsage: (prompt: number, generated: number) => settle(prompt + generated) } : {}) });
    } catch (err) {
      hold?.release();
      status = err instanceof ApiError ? err.status : 500;
      throw err;
    } finally {
      metrics.request(catalog.find(model) ? model : '(unknown)', route, status);
    }
  }

  app.post(CompanionRoutes.completions, { schema: { body: completionBody } }, async (request, reply) => {
    const body = request.body as CompletionRequest;
    await guarded(request, reply, 'completions', (m) => completionCost(body, m), async (ctx) => {
      if (body.prompt.length === 0) throw new ApiError('badRequest', 'the "prompt" must not be empty', { param: 'prompt' });
      if (body.prompt.length > limits.maxPromptChars) {
        throw new ApiError('promptTooLong', `The prompt is ${body.prompt.length} characters; this server accepts at most ${limits.maxPromptChars}.`, { param: 'prompt' });
      }
      return sendReply(reply, await catalog.get(body.model).completion(body, ctx));
    });
  });

  app.post(CompanionRoutes.chatCompletions, { schema: { body: chatBody } }, async (request, reply) => {
    const body = request.body as ChatCompletionRequest;
    await guarded(request, reply, 'chat', (m) => chatCost(body, m), async (ctx) => {
      const chars = body.messages.reduce((a, m) => a + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length), 0);
      if (chars > limits.maxPromptChars) {
        throw new ApiError('promptTooLong', `The messages are ${chars} characters; this server accepts at most ${limits.maxPromptChars}.`, { param: 'messages' });
      }
      return sendReply(reply, await catalog.get(body.model).chat(body, ctx));
    });
  });

  app.post(CompanionRoutes.embeddings, { schema: { body: embeddingBody } }, async (request, reply) => {
    const body = request.body as EmbeddingRequest;
    await guarded(request, reply, 'embeddings', () => embeddingCost(body), async (ctx) => {
      const answer = await catalog.get(body.model).embeddings(body, ctx);
      await reply.send(answer);
      return 200;
    });
  });
}
