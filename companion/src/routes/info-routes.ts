import type { FastifyInstance } from 'fastify';
import type { ModelList } from '../../../src/protocol/openai';
import { CompanionRoutes } from '../../../src/protocol/openai';
import type { AppDeps } from '../app';
import { buildCaps, toLegacyCaps, wantsLegacyCaps } from '../caps';
import { ApiError } from '../http/api-error';
import { tokenizerParams } from './schemas';

/** Ping, caps, model list, tokenizers and metrics: everything that describes the server. */
export function infoRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { catalog, metrics, auth } = deps;
  const caps = () => buildCaps(catalog.all().map((b) => b.info), catalog.version);

  app.get(CompanionRoutes.ping, { schema: {} }, async (_req, reply) => reply.type('text/plain').send('pong\n'));

  for (const path of [CompanionRoutes.caps, CompanionRoutes.capsLegacy]) {
    app.get(path, { schema: {} }, async (request) => {
      const doc = caps();
      return wantsLegacyCaps(request.headers['user-agent']) ? toLegacyCaps(doc) : doc;
    });
  }

  app.get(CompanionRoutes.models, { schema: {} }, async (request): Promise<ModelList> => {
    auth.check(request);
    const created = catalog.version;
    return { object: 'list', data: catalog.all().map((b) => ({ id: b.info.name, object: 'model', created, owned_by: b.info.backend === 'local' ? 'refact-ts-server' : 'upstream' })) };
  });

  app.get(CompanionRoutes.tokenizer, { schema: { params: tokenizerParams } }, async (request, reply) => {
    const { model } = request.params as { model: string };
    const backend = catalog.get(model);
    const json = await backend.tokenizerJson();
    if (json === null) throw new ApiError('notFound', `No tokenizer.json is known for model "${backend.info.name}".`);
    return reply.type('application/json').send(json);
  });

  app.get(CompanionRoutes.metrics, { schema: {} }, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));
}
