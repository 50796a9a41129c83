import type { Metrics } from '../../metrics';
import type { UpstreamSpec } from '../../model-specs';
import type { ServerLog } from '../../server-log';
import type { ModelInfo } from '../types';
import { HttpClient } from './http-client';
import { UpstreamBackend } from './upstream-backend';

interface ListedModel {
  id: string;
  max_model_len?: number;
}

/** n_ctx when an upstream does not say (vLLM reports `max_model_len`; most others nothing). */
const DEFAULT_UPSTREAM_N_CTX = 32768;

/**
 * Groups `--upstream` arguments into one backend per model: `MODEL=URL` binds directly; a
 * bare `URL` is asked for `/v1/models` once at startup, and each model it lists gains that
 * URL as a replica. An upstream that cannot be listed is reported and skipped.
 */
export async function createUpstreamBackends(
  specs: UpstreamSpec[],
  opts: { apiKey: string | null; healthIntervalMs: number; log: ServerLog; metrics: Metrics },
): Promise<UpstreamBackend[]> {
  const client = new HttpClient(opts.apiKey);
  const byModel = new Map<string, { urls: string[]; nCtx: number }>();
  const add = (model: string, url: string, nCtx?: number) => {
    const entry = byModel.get(model) ?? { urls: [], nCtx: nCtx ?? DEFAULT_UPSTREAM_N_CTX };
    if (!entry.urls.includes(url)) entry.urls.push(url);
    byModel.set(model, entry);
  };
  for (const spec of specs) {
    if (spec.model) {
      add(spec.model, spec.url);
      continue;
    }
    try {
      const res = await client.json('GET', spec.url, '/v1/models', null, AbortSignal.timeout(10_000), 10_000);
      const data = (res.data as { data?: ListedModel[] }).data;
      if (res.status !== 200 || !Array.isArray(data)) throw new Error(`answered ${res.status}`);
      for (const m of data) add(m.id, spec.url, m.max_model_len);
    } catch (err) {
      opts.log.warn(`upstream ${spec.url}: cannot list its models (${(err as Error).message}); bind models with --upstream MODEL=${spec.url}`);
    }
  }
  const backends: UpstreamBackend[] = [];
  for (const [name, { urls, nCtx }] of byModel) {
    const info: ModelInfo = {
      name,
      backend: 'upstream',
      completion: true,
      chat: true,
      embedding: /embed|gte|bge|e5-/i.test(name),
      nCtx,
      embeddingSize: null,
      fim: null,
      supportsTools: true,
    };
    const b = new UpstreamBackend(info, urls, client, opts.log, opts.metrics);
    await b.startHealthChecks(opts.healthIntervalMs);
    backends.push(b);
  }
  return backends;
}
