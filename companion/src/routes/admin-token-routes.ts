import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import type { TokenLimits } from '../tokens/token-store';

// A type list, not anyOf: with Fastify's type coercion anyOf would turn null into 0.
const limit = { type: ['integer', 'null'], minimum: 0 };
const limitsSchema = {
  rateLimitPerMinute: limit,
  dailyTokenQuota: limit,
  monthlyTokenQuota: limit,
};

/**
 * API token management for the admin UI: list, create (the secret is shown once), change
 * limits, revoke. Behind the admin token when one is set.
 */
export function adminTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { auth, tokens, log } = deps;

  app.get('/admin/api/tokens', { schema: {} }, async (request) => {
    auth.checkAdmin(request);
    return { tokens: tokens.list(), api_auth: auth.open ? 'open' : 'bearer tokens' };
  });

  app.post('/admin/api/tokens', {
    schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, ...limitsSchema } } },
  }, async (request, reply) => {
    auth.checkAdmin(request);
    const { name, ...limits } = request.body as { name: string } & Partial<TokenLimits>;
    const made = tokens.create(name, limits);
    log.info(`API token "${name}" (${made.token.id}) created`);
    return reply.code(201).send(made);
  });

  app.patch('/admin/api/tokens/:id', {
    schema: { body: { type: 'object', additionalProperties: false, properties: limitsSchema } },
  }, async (request) => {
    auth.checkAdmin(request);
    const { id } = request.params as { id: string };
    return { token: tokens.update(id, request.body as Partial<TokenLimits>) };
  });

  app.delete('/admin/api/tokens/:id', { schema: {} }, async (request) => {
    auth.checkAdmin(request);
    const { id } = request.params as { id: string };
    tokens.revoke(id);
    log.info(`API token ${id} revoked`);
    return { success: true };
  });
}
