import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { ApiError } from '../http/api-error';
import { resolveModelArg } from '../model-specs';
import { KNOWN_MODELS } from '../registry/known-models';
import { importModel, listWeights } from '../registry/weights';

const gpuLayers = { anyOf: [{ type: 'string', enum: ['auto', 'max'] }, { type: 'integer', minimum: 0 }] };

/**
 * Models in the admin UI: what is loaded and where it runs, the GGUFs in the perm dir, the
 * registry with download state; load (with a GPU placement), unload, download and import.
 */
export function adminModelRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { auth, catalog, local, downloads, log, metrics } = deps;

  app.get('/admin/api/models', { schema: {} }, async (request) => {
    auth.checkAdmin(request);
    const placements = new Map(local.list().map((m) => [m.name, m]));
    const weights = listWeights(deps.permDir);
    return {
      models: catalog.all().map((b) => ({ ...b.info, stats: b.stats(), summary: metrics.summary(b.info.name), local: placements.get(b.info.name) ?? null })),
      weights: weights.map((w) => ({ name: w.name, size: w.size, sha256: w.record?.sha256 ?? null, source: w.record?.source ?? null, loaded: Boolean(catalog.find(w.name)) })),
      registry: KNOWN_MODELS.map((k) => ({ name: k.name, roles: k.roles, nCtx: k.nCtx, downloaded: weights.some((w) => w.name === k.name) })),
      downloads: downloads.list(),
      failures: Object.fromEntries(local.failures),
      compute: local.compute,
      ...(await local.devices()),
    };
  });

  app.post('/admin/api/models', {
    schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, path: { type: 'string', minLength: 1 }, embedding: { type: 'boolean' }, gpuLayers } } },
  }, async (request, reply) => {
    auth.checkAdmin(request);
    const body = request.body as { name: string; path?: string; embedding?: boolean; gpuLayers?: 'auto' | 'max' | number };
    let spec;
    try {
      spec = resolveModelArg(body.path ? `${body.name}=${body.path}` : body.name, deps.permDir, body.embedding ?? false);
    } catch (err) {
      throw new ApiError('badRequest', (err as Error).message, { param: 'name' });
    }
    try {
      const info = await local.load(spec, body.gpuLayers ?? 'auto', 'admin');
      return reply.code(201).send({ model: info, local: local.list().find((m) => m.name === info.name) });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      log.error(`loading ${spec.name} failed: ${(err as Error).message}`);
      throw new ApiError('badRequest', `cannot load "${spec.name}": ${(err as Error).message}`, { param: 'name' });
    }
  });

  app.post('/admin/api/models/unload', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }, async (request) => {
    auth.checkAdmin(request);
    await local.unload((request.body as { name: string }).name);
    return { success: true };
  });

  app.post('/admin/api/downloads', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } } }, async (request, reply) => {
    auth.checkAdmin(request);
    try {
      return reply.code(202).send({ download: downloads.start((request.body as { name: string }).name) });
    } catch (err) {
      throw new ApiError('badRequest', (err as Error).message, { param: 'name' });
    }
  });

  app.post('/admin/api/imports', { schema: { body: { type: 'object', required: ['name', 'path'], properties: { name: { type: 'string', minLength: 1 }, path: { type: 'string', minLength: 1 } } } } }, async (request, reply) => {
    auth.checkAdmin(request);
    const { name, path } = request.body as { name: string; path: string };
    try {
      return reply.code(201).send({ path: await importModel(name, path, deps.permDir, (line) => log.info(line)) });
    } catch (err) {
      throw new ApiError('badRequest', (err as Error).message, { param: 'path' });
    }
  });
}
