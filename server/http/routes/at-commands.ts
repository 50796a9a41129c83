/**
 * Refact's @-command routes: `POST /v1/at-command-completion` and `POST /v1/at-command-preview`.
 * As in Refact, a body that is not the expected JSON is a 422 (not fastify's 400), so these
 * routes read the body as text in their own scope (shared with the tool routes) and check it.
 */
import { AtCommandRoutes, type AtCommandCompletionRequest, type AtCommandCompletionResponse, type AtCommandPreviewRequest, type AtCommandPreviewResponse } from '../../../src/protocol/at-commands';
import type { AtCommandsService } from '../../services/chat/at-commands';
import type { RouteModule } from '../app';
import { problem } from '../errors';
import { jsonBody, textBodyScope } from './tools';

export interface AtCommandRouteDeps {
  atCommands: AtCommandsService;
  preview(messages: AtCommandPreviewRequest['messages'], model: string, signal: AbortSignal): Promise<AtCommandPreviewResponse>;
}

function completionRequest(raw: unknown): AtCommandCompletionRequest {
  const body = jsonBody(raw);
  const { query, cursor, top_n } = body;
  if (typeof query !== 'string') throw problem('Unprocessable', 'JSON problem: missing field `query` (a string)');
  if (typeof cursor !== 'number' || !Number.isInteger(cursor)) throw problem('Unprocessable', 'JSON problem: missing field `cursor` (an integer)');
  if (typeof top_n !== 'number' || !Number.isInteger(top_n) || top_n < 0) throw problem('Unprocessable', 'JSON problem: missing field `top_n` (a non-negative integer)');
  return { query, cursor, top_n };
}

function previewRequest(raw: unknown): AtCommandPreviewRequest & { model: string } {
  const body = jsonBody(raw);
  const messages = body.messages ?? [];
  if (!Array.isArray(messages) || !messages.every((m) => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')) {
    throw problem('Unprocessable', 'JSON problem: `messages` must be a list of messages with a role');
  }
  if (body.model !== undefined && typeof body.model !== 'string') throw problem('Unprocessable', 'JSON problem: `model` must be a string');
  return { messages: messages as AtCommandPreviewRequest['messages'], model: (body.model as string | undefined) ?? '' };
}

export function atCommandRoutes(deps: AtCommandRouteDeps): RouteModule {
  // Any content type, read as text: the checks above decide, with Refact's 422.
  return (app) => textBodyScope(app, (scope) => {
    scope.post(AtCommandRoutes.completion, async (request): Promise<AtCommandCompletionResponse> => {
      const { query, cursor, top_n } = completionRequest(request.body);
      return deps.atCommands.complete(query, cursor, top_n);
    });
    scope.post(AtCommandRoutes.preview, async (request, reply): Promise<AtCommandPreviewResponse> => {
      const { messages, model } = previewRequest(request.body);
      // A client that goes away stops the work (a slow @web fetch, a search).
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return deps.preview(messages, model, abort.signal);
    });
  });
}
