import type { ModelBackend } from './backends/types';
import { ApiError } from './http/api-error';

/**
 * The served models by name, in the order they were configured (the first of each kind is
 * the caps default). Owned by the app; backends are added at startup and closed with it.
 */
export class Catalog {
  private readonly byName = new Map<string, ModelBackend>();
  /** Bumped on every change, so clients know to refetch caps. */
  version = Math.floor(Date.now() / 1000);

  add(backend: ModelBackend): void {
    if (this.byName.has(backend.info.name)) throw new Error(`model "${backend.info.name}" is configured twice`);
    this.byName.set(backend.info.name, backend);
    this.version = Math.max(this.version + 1, Math.floor(Date.now() / 1000));
  }

  /**
   * Takes a model out of service: new requests get 404 at once, requests under way finish
   * (up to `graceMs`), then its backend is closed.
   */
  async remove(name: string, graceMs = 30_000): Promise<void> {
    const b = this.byName.get(name);
    if (!b) throw new ApiError('modelNotFound', `The model "${name}" is not served here.`, { param: 'name' });
    this.byName.delete(name);
    this.version = Math.max(this.version + 1, Math.floor(Date.now() / 1000));
    const deadline = Date.now() + graceMs;
    while (b.stats().active + b.stats().queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await b.close();
  }

  all(): ModelBackend[] {
    return [...this.byName.values()];
  }

  find(name: string): ModelBackend | undefined {
    return this.byName.get(name) ?? this.byName.get(name.replace(/--/g, '/'));
  }

  /** The backend for a request's `model`, or 404 naming what is served. */
  get(name: unknown): ModelBackend {
    if (typeof name !== 'string' || name === '') throw new ApiError('badRequest', 'the "model" field is required', { param: 'model' });
    const b = this.find(name);
    if (!b) {
      const served = [...this.byName.keys()].join(', ') || 'none';
      throw new ApiError('modelNotFound', `The model "${name}" is not served here. Served models: ${served}.`, { param: 'model' });
    }
    return b;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((b) => b.close()));
  }
}
