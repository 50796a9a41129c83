import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, type ServerConfig } from './config';
import { normalizeOrigin } from './http/origin-guard';

export const USAGE = `refact-ts-server: Refact caps and OpenAI-compatible serving from GGUF models or upstreams

Usage: refact-ts-server [options]

  --host HOST              address to listen on (default 127.0.0.1)
  --port PORT              port (default 8008)
  --perm-dir DIR           configs, weights and logs (env REFACT_PERM_DIR; default ~/.refact-ts-server)
  --model NAME_OR_PATH     serve a GGUF file (PATH, NAME=PATH) or a registry model found in the
                           perm dir; repeatable
  --embedding-model NAME_OR_PATH
                           serve a GGUF as an embedding model; repeatable
  --download NAME          fetch a registry model (or NAME=URL, NAME=hf:user/repo:quant) into
                           PERM_DIR/weights with progress, resume and checksum; repeatable
  --import NAME=PATH       copy a local GGUF into PERM_DIR/weights as NAME (or PATH, named after the
                           file), recording its checksum; then --model NAME serves it; repeatable
  --upstream URL           an OpenAI-compatible server; MODEL=URL binds one model, a bare URL
                           serves every model its /v1/models lists; repeat for replicas
  --upstream-api-key KEY   bearer key sent to upstreams (env REFACT_UPSTREAM_API_KEY)
  --admin-token TOKEN      guards the admin UI and API (env REFACT_ADMIN_TOKEN)
  --api-token TOKEN        accept this bearer token on /v1/*; repeatable (env REFACT_API_TOKENS,
                           comma-separated). Without any, /v1/* is open unless --admin-token is set.
  --cors-origin ORIGIN     a browser origin (https://host:port) whose pages may call this server;
                           repeatable. Other pages' requests get 403, except the admin page's own.
  --parallel N             parallel sequences per local model (default 4)
  --max-queue N            waiting requests before 429 (default 64)
  --ctx-size N             context size per sequence (default: fit to free memory)
  --gpu auto|cpu|cuda|vulkan|metal
                           compute backend (default auto)
  --gpu-layers auto|max|N  layers offloaded to the GPU (default auto: fit to free VRAM; 0 = CPU)
  --threads N              CPU threads per model context (default: node-llama-cpp's choice)
  --rate-limit N           requests per minute per token (default 0: unlimited)
  --health-interval S      seconds between upstream health checks (default 10)
  --log-requests           log one line per request (never the prompt)
  --help                   show this help
`;

export type CliResult =
  | { kind: 'run'; config: ServerConfig }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

function intOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return Number(raw);
}

function listFromEnv(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Reads the command line and environment; never exits, so it is testable. */
export function parseCli(argv: string[], env: Record<string, string | undefined>): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'perm-dir': { type: 'string' },
        model: { type: 'string', multiple: true },
        'embedding-model': { type: 'string', multiple: true },
        upstream: { type: 'string', multiple: true },
        download: { type: 'string', multiple: true },
        import: { type: 'string', multiple: true },
        'upstream-api-key': { type: 'string' },
        'admin-token': { type: 'string' },
        'api-token': { type: 'string', multiple: true },
        'cors-origin': { type: 'string', multiple: true },
        parallel: { type: 'string' },
        'max-queue': { type: 'string' },
        'ctx-size': { type: 'string' },
        gpu: { type: 'string' },
        'gpu-layers': { type: 'string' },
        threads: { type: 'string' },
        'rate-limit': { type: 'string' },
        'health-interval': { type: 'string' },
        'log-requests': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  try {
    const gpu = v.gpu ?? DEFAULTS.gpu;
    if (!['auto', 'cpu', 'cuda', 'vulkan', 'metal'].includes(gpu)) throw new Error(`--gpu must be auto, cpu, cuda, vulkan or metal, got "${gpu}"`);
    const gpuLayersRaw = v['gpu-layers'];
    const gpuLayers = gpuLayersRaw === undefined || gpuLayersRaw === 'auto' || gpuLayersRaw === 'max' ? (gpuLayersRaw ?? 'auto') as 'auto' | 'max' : intOption('gpu-layers', gpuLayersRaw, 0, 0);
    for (const u of v.upstream ?? []) {
      const url = u.includes('=') && !/^https?:/.test(u) ? u.slice(u.indexOf('=') + 1) : u;
      if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`--upstream wants URL or MODEL=URL with an http(s) URL, got "${u}"`);
    }
    const corsOrigins = (v['cors-origin'] ?? []).map((o) => {
      const origin = normalizeOrigin(o);
      if (origin === null) throw new Error(`--cors-origin wants an origin like https://host:port (no path), got "${o}"`);
      return origin;
    });
    const config: ServerConfig = {
      ...DEFAULTS,
      host: v.host ?? DEFAULTS.host,
      port: intOption('port', v.port, DEFAULTS.port, 0),
      permDir: v['perm-dir'] ?? env.REFACT_PERM_DIR ?? join(homedir(), '.refact-ts-server'),
      models: v.model ?? [],
      embeddingModels: v['embedding-model'] ?? [],
      upstreams: v.upstream ?? [],
      downloads: v.download ?? [],
      imports: v.import ?? [],
      upstreamApiKey: v['upstream-api-key'] ?? env.REFACT_UPSTREAM_API_KEY ?? null,
      adminToken: v['admin-token'] ?? env.REFACT_ADMIN_TOKEN ?? null,
      apiTokens: [...(v['api-token'] ?? []), ...listFromEnv(env.REFACT_API_TOKENS)],
      corsOrigins,
      parallel: intOption('parallel', v.parallel, DEFAULTS.parallel, 1),
      maxQueue: intOption('max-queue', v['max-queue'], DEFAULTS.maxQueue, 0),
      ctxSize: v['ctx-size'] === undefined ? null : intOption('ctx-size', v['ctx-size'], 0, 16),
      gpu: gpu as ServerConfig['gpu'],
      gpuLayers,
      threads: v.threads === undefined ? null : intOption('threads', v.threads, 1, 1),
      rateLimitPerMinute: intOption('rate-limit', v['rate-limit'], 0, 0),
      healthIntervalS: intOption('health-interval', v['health-interval'], DEFAULTS.healthIntervalS, 1),
      logRequests: v['log-requests'] ?? false,
    };
    if (config.port > 65535) throw new Error(`--port must be at most 65535, got ${config.port}`);
    return { kind: 'run', config };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
}
