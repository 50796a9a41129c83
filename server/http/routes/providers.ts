/**
 * Bring-your-own-key providers: `GET /v1/providers`, `GET|POST|DELETE /v1/provider`
 * (`?provider-name=`), `GET /v1/provider-templates`. Adapters into the providers service.
 */
import type { ProviderDTO } from '../../../src/protocol/http';
import { HttpRoutes } from '../../../src/protocol/http';
import { PROVIDER_NAME_PATTERN } from '../../core/providers/provider';
import type { ProvidersService } from '../../services/providers-service';
import type { RouteModule } from '../app';
import { unwrap } from '../outcome';

type NameQuery = { 'provider-name': string };

const nameQuery = {
  type: 'object',
  required: ['provider-name'],
  properties: { 'provider-name': { type: 'string', pattern: PROVIDER_NAME_PATTERN } },
} as const;

const text = { type: 'string' } as const;

/** Refact's ProviderDTO; fields left out of a POST keep their current values. */
const providerBody = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: PROVIDER_NAME_PATTERN },
    endpoint_style: { type: 'string', enum: ['openai', 'hf'] },
    chat_endpoint: text, completion_endpoint: text, embedding_endpoint: text,
    api_key: text, tokenizer_api_key: text,
    chat_default_model: text, chat_thinking_model: text, chat_light_model: text,
    enabled: { type: 'boolean' }, readonly: { type: 'boolean' }, supports_completion: { type: 'boolean' },
  },
} as const;

export function providersRoutes(providers: ProvidersService): RouteModule {
  return (app) => {
    app.get(HttpRoutes.providers, async () => providers.list());
    app.get(HttpRoutes.providerTemplates, async () => providers.templates());
    app.get<{ Querystring: NameQuery }>(HttpRoutes.provider, { schema: { querystring: nameQuery } }, async (request) =>
      unwrap(await providers.getProvider(request.query['provider-name'])),
    );
    app.post<{ Body: Partial<ProviderDTO> & { name: string } }>(HttpRoutes.provider, { schema: { body: providerBody } }, async (request) =>
      unwrap(await providers.saveProvider(request.body)),
    );
    app.delete<{ Querystring: NameQuery }>(HttpRoutes.provider, { schema: { querystring: nameQuery } }, async (request) =>
      unwrap(await providers.deleteProvider(request.query['provider-name'])),
    );
  };
}
