/**
 * A provider's models: `GET /v1/models` (`?provider-name=`), `GET|POST|DELETE /v1/model`
 * (`?provider=&type=&model=`), `GET /v1/model-defaults`, `GET /v1/completion-model-families`.
 */
import type { ModelType } from '../../../src/protocol/http';
import { HttpRoutes } from '../../../src/protocol/http';
import { PROVIDER_NAME_PATTERN } from '../../core/providers/provider';
import type { ProvidersService } from '../../services/providers-service';
import type { RouteModule } from '../app';
import { unwrap } from '../outcome';

const providerName = { type: 'string', pattern: PROVIDER_NAME_PATTERN } as const;
const modelType = { type: 'string', enum: ['chat', 'completion', 'embedding'] } as const;

type ModelQuery = { provider: string; type: ModelType; model?: string };

const modelQuery = {
  type: 'object',
  required: ['provider', 'type'],
  properties: { provider: providerName, type: modelType, model: { type: 'string' } },
} as const;

const modelBody = {
  type: 'object',
  required: ['provider', 'type', 'model'],
  properties: { provider: providerName, type: modelType, model: { type: 'object' } },
} as const;

export function modelsRoutes(providers: ProvidersService): RouteModule {
  return (app) => {
    app.get<{ Querystring: { 'provider-name': string } }>(
      HttpRoutes.models,
      { schema: { querystring: { type: 'object', required: ['provider-name'], properties: { 'provider-name': providerName } } } },
      async (request) => unwrap(await providers.listModels(request.query['provider-name'])),
    );
    app.get<{ Querystring: ModelQuery }>(HttpRoutes.model, { schema: { querystring: modelQuery } }, async (request) =>
      unwrap(await providers.getModel(request.query.provider, request.query.type, request.query.model)),
    );
    app.post<{ Body: { provider: string; type: ModelType; model: unknown } }>(HttpRoutes.model, { schema: { body: modelBody } }, async (request) =>
      unwrap(await providers.saveModel(request.body.provider, request.body.type, request.body.model)),
    );
    app.delete<{ Querystring: ModelQuery }>(HttpRoutes.model, { schema: { querystring: modelQuery } }, async (request) =>
      unwrap(await providers.deleteModel(request.query.provider, request.query.type, request.query.model)),
    );
    app.get<{ Querystring: Omit<ModelQuery, 'model'> }>(
      HttpRoutes.modelDefaults,
      { schema: { querystring: { type: 'object', required: ['provider', 'type'], properties: { provider: providerName, type: modelType } } } },
      async (request) => unwrap(providers.modelDefaults(request.query.provider, request.query.type)),
    );
    app.get(HttpRoutes.completionModelFamilies, async () => providers.modelFamilies());
  };
}
