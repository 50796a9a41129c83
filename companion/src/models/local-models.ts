import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Llama } from 'node-llama-cpp';
import type { ModelInfo, Placement } from '../backends/types';
import type { Catalog } from '../catalog';
import type { ServerConfig } from '../config';
import { ApiError } from '../http/api-error';
import type { Metrics } from '../metrics';
import type { LocalModelSpec } from '../model-specs';
import type { ServerLog } from '../server-log';

type LocalRuntime = typeof import('../backends/local/create-local');

/** A model the admin loaded, as `models.json` keeps it so it is loaded again on the next start. */
export interface SavedModel {
  name: string;
  path: string;
  embedding: boolean;
  gpuLayers: Placement['requested'];
}

export interface LocalModelView {
  name: string;
  origin: 'command line' | 'admin';
  placement: Placement;
}

const FILE = 'models.json';

/**
 * The local GGUF models of this server: loads them into the catalog with a GPU placement,
 * unloads them, and remembers the ones loaded from the admin UI in `<permDir>/models.json`.
 * node-llama-cpp is imported and started on the first local model, so an upstream-only server
 * (the proxy image) never needs it. Loads run one at a time: each sizes itself to the memory
 * the ones before it left free.
 */
export class LocalModels {
  private runtime: LocalRuntime | null = null;
  private llama: Llama | null = null;
  private readonly loaded = new Map<string, LocalModelView>();
  private saved: SavedModel[] = [];
  /** Saved models that failed to load at start, with why; shown in the admin UI. */
  readonly failures = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ServerConfig,
    private readonly catalog: Catalog,
    private readonly metrics: Metrics,
    private readonly log: ServerLog,
  ) {
    const path = join(config.permDir, FILE);
    if (existsSync(path)) {
      try {
        this.saved = (JSON.parse(readFileSync(path, 'utf8')) as { models: SavedModel[] }).models;
      } catch (err) {
        throw new Error(`cannot read ${path}: ${(err as Error).message}; fix or remove it (models loaded from the admin UI live there)`);
      }
    }
  }

  /** The compute backend node-llama-cpp chose, or null before any local model. */
  get compute(): string | null {
    return this.llama ? this.llama.gpu || 'cpu' : null;
  }

  list(): LocalModelView[] {
    return [...this.loaded.values()];
  }

  /** Loads the command line's models (failing the start on error), then the saved ones (logging errors). */
  async start(specs: LocalModelSpec[]): Promise<void> {
    for (const spec of specs) await this.load(spec, this.config.gpuLayers, 'command line');
    for (const m of this.saved) {
      if (this.catalog.find(m.name)) continue;
      try {
        await this.load({ name: m.name, path: m.path, embedding: m.embedding }, m.gpuLayers, 'admin');
      } catch (err) {
        this.failures.set(m.name, (err as Error).message);
        this.log.error(`saved model ${m.name} did not load: ${(err as Error).message}`);
      }
    }
  }

  /** Loads one model into the catalog with a GPU placement; `admin` loads are remembered. */
  load(spec: LocalModelSpec, gpuLayers: Placement['requested'], origin: LocalModelView['origin']): Promise<ModelInfo> {
    const run = async () => {
      if (this.catalog.find(spec.name)) throw new ApiError('conflict', `a model named "${spec.name}" is served already; unload it first`);
      const runtime = await this.startRuntime();
      const t0 = performance.now();
      const { backend, placement } = await runtime.createLocalBackend(this.llama as Llama, spec, { ...this.config, gpuLayers }, this.metrics);
      this.catalog.add(backend);
      this.loaded.set(spec.name, { name: spec.name, origin, placement });
      this.failures.delete(spec.name);
      this.log.info(`loaded ${spec.name} from ${spec.path} in ${Math.round(performance.now() - t0)} ms (n_ctx ${backend.info.nCtx}, ${this.config.parallel} sequences, ${placement.gpuLayers}/${placement.totalLayers} layers on ${this.compute === 'cpu' || placement.gpuLayers === 0 ? 'CPU' : this.compute})`);
      if (origin === 'admin') await this.save([...this.saved.filter((m) => m.name !== spec.name), { name: spec.name, path: spec.path, embedding: spec.embedding, gpuLayers }]);
      return backend.info;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Takes a local model out of service and frees it; an admin-loaded one is forgotten too. */
  async unload(name: string): Promise<void> {
    if (!this.loaded.has(name)) throw new ApiError('notFound', `"${name}" is not a local model loaded here`, { param: 'name' });
    await this.catalog.remove(name);
    this.loaded.delete(name);
    if (this.saved.some((m) => m.name === name)) await this.save(this.saved.filter((m) => m.name !== name));
    this.log.info(`unloaded ${name}`);
  }

  /** GPUs node-llama-cpp sees and their memory, for the admin UI's device column. */
  async devices(): Promise<{ gpus: string[]; vram: { total: number; used: number; free: number } | null }> {
    const l = this.llama;
    if (!l || !l.gpu) return { gpus: [], vram: null };
    const [gpus, vram] = await Promise.all([l.getGpuDeviceNames().catch(() => []), l.getVramState().catch(() => null)]);
    return { gpus, vram: vram ? { total: vram.total, used: vram.used, free: vram.free } : null };
  }

  async dispose(): Promise<void> {
    await this.chain;
    await this.llama?.dispose();
  }

  private async startRuntime(): Promise<LocalRuntime> {
    if (!this.runtime) {
      try {
        this.runtime = await import('../backends/local/create-local');
      } catch (err) {
        throw new ApiError('unsupported', `this server cannot run local models (node-llama-cpp is not installed: ${(err as Error).message})`);
      }
    }
    if (!this.llama) {
      this.llama = await this.runtime.startLlama(this.config.gpu);
      this.log.info(`compute backend: ${this.compute}`);
    }
    return this.runtime;
  }

  /** Replaces the remembered admin-loaded models, in memory and in models.json. */
  private async save(models: SavedModel[]): Promise<void> {
    this.saved = models;
    const path = join(this.config.permDir, FILE);
    await writeFile(`${path}.tmp`, JSON.stringify({ version: 1, models: this.saved }, null, 2));
    await rename(`${path}.tmp`, path);
  }
}
