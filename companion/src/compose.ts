import type { AppDeps } from './app';
import { createUpstreamBackends } from './backends/upstream/create-upstreams';
import { Catalog } from './catalog';
import type { ServerConfig } from './config';
import { Auth, RateLimiter } from './http/auth';
import { isLoopbackBind } from './http/host-guard';
import { Metrics } from './metrics';
import { Downloads } from './models/downloads';
import { LocalModels } from './models/local-models';
import { parseUpstreamArg, resolveModelArg } from './model-specs';
import { ServerLog } from './server-log';
import { TokenStore } from './tokens/token-store';

export interface Composed {
  deps: AppDeps;
  /** Stops health checks and frees native resources; the app's onClose closes the catalog. */
  dispose: () => Promise<void>;
}

/**
 * The composition root: loads every configured model and upstream into one catalog and wires
 * metrics, auth and the log around it. Fails fast (before listening) on a bad model or file.
 */
export async function compose(config: ServerConfig, log = new ServerLog()): Promise<Composed> {
  const metrics = new Metrics();
  const catalog = new Catalog();
  const tokens = new TokenStore(config.permDir, (err) => log.error(`cannot save API tokens: ${err.message}`));
  const local = new LocalModels(config, catalog, metrics, log);
  let upstreamCount = 0;
  try {
    await local.start([
      ...config.models.map((m) => resolveModelArg(m, config.permDir, false)),
      ...config.embeddingModels.map((m) => resolveModelArg(m, config.permDir, true)),
    ]);
    if (config.upstreams.length > 0) {
      const ups = await createUpstreamBackends(config.upstreams.map(parseUpstreamArg), {
        apiKey: config.upstreamApiKey,
        healthIntervalMs: config.healthIntervalS * 1000,
        log,
        metrics,
      });
      for (const b of ups) {
        catalog.add(b);
        log.info(`upstream model ${b.info.name}: ${b.stats().replicas.map((r) => r.url).join(', ')}`);
      }
      upstreamCount = ups.length;
    }
  } catch (err) {
    await catalog.close();
    await local.dispose();
    throw err;
  }
  metrics.addGauges(() =>
    catalog.all().flatMap((b) => {
      const s = b.stats();
      return [
        { name: 'refact_queue_length', help: 'Requests waiting for a slot.', labels: { model: b.info.name }, value: s.queued },
        { name: 'refact_active_requests', help: 'Requests being generated.', labels: { model: b.info.name }, value: s.active },
      ];
    }),
  );
  const deps: AppDeps = {
    catalog,
    metrics,
    auth: new Auth(config.apiTokens, config.adminToken, tokens),
    limiter: new RateLimiter(config.rateLimitPerMinute),
    tokens,
    log,
    limits: { maxPromptChars: config.maxPromptChars, bodyLimit: config.bodyLimit },
    local,
    downloads: new Downloads(config.permDir, log),
    permDir: config.permDir,
    loopbackOnly: isLoopbackBind(config.host),
    corsOrigins: config.corsOrigins,
    about: async () => ({
      version: '0.1.0',
      node: process.version,
      perm_dir: config.permDir,
      compute: local.compute ?? (upstreamCount > 0 ? 'none (upstreams only)' : 'none (no local model loaded)'),
      parallel: config.parallel,
      max_queue: config.maxQueue,
    }),
  };
  return {
    deps,
    dispose: async () => {
      await tokens.flush();
      await local.dispose();
    },
  };
}
