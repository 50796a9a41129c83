import type { Llama } from 'node-llama-cpp';
import type { AppDeps } from './app';
import { createUpstreamBackends } from './backends/upstream/create-upstreams';
import { Catalog } from './catalog';
import type { ServerConfig } from './config';
import { Auth, RateLimiter } from './http/auth';
import { Metrics } from './metrics';
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
  const cleanups: Array<() => Promise<void> | void> = [];
  let llama: Llama | null = null;
  try {
    const specs = [
      ...config.models.map((m) => resolveModelArg(m, config.permDir, false)),
      ...config.embeddingModels.map((m) => resolveModelArg(m, config.permDir, true)),
    ];
    // node-llama-cpp loads only when a local model is configured, so the upstream-only proxy
    // image can ship without it.
    const local = specs.length > 0 ? await import('./backends/local/create-local') : null;
    if (local) {
      llama = await local.startLlama(config.gpu);
      const l = llama;
      cleanups.push(() => l.dispose());
      log.info(`compute backend: ${llama.gpu || 'cpu'}`);
    }
    for (const spec of specs) {
      const t0 = performance.now();
      const backend = await (local as NonNullable<typeof local>).createLocalBackend(llama as Llama, spec, config, metrics);
      catalog.add(backend);
      log.info(`loaded ${spec.name} from ${spec.path} in ${Math.round(performance.now() - t0)} ms (n_ctx ${backend.info.nCtx}, ${config.parallel} sequences)`);
    }
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
    }
  } catch (err) {
    await catalog.close();
    for (const c of cleanups.reverse()) await c();
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
  const l = llama;
  const deps: AppDeps = {
    catalog,
    metrics,
    auth: new Auth(config.apiTokens, config.adminToken, tokens),
    limiter: new RateLimiter(config.rateLimitPerMinute),
    tokens,
    log,
    limits: { maxPromptChars: config.maxPromptChars, bodyLimit: config.bodyLimit },
    about: async () => ({
      version: '0.1.0',
      node: process.version,
      perm_dir: config.permDir,
      compute: l ? l.gpu || 'cpu' : 'none (upstreams only)',
      gpus: l ? await l.getGpuDeviceNames().catch(() => []) : [],
      vram: l && l.gpu ? await l.getVramState().catch(() => null) : null,
      parallel: config.parallel,
      max_queue: config.maxQueue,
    }),
  };
  return {
    deps,
    dispose: async () => {
      await tokens.flush();
      for (const c of cleanups.reverse()) await c();
    },
  };
}
