/**
 * Fills the vector indexes in the background: takes chunks waiting for a vector, answers what it
 * can from the embedding cache (by model and chunk hash, so a re-index embeds only new text),
 * embeds the rest in batches, and stores both. A failing embedder is backed off exponentially
 * (1 s doubling to 60 s) and its errors are counted for the status; search meanwhile carries on
 * without vectors. The run loop stops when nothing is pending or after a failure, so `idle()`
 * always resolves; a timer starts it again after the backoff.
 */
import type { VectorIndex } from './vector-index';
import type { DownloadProgress, Embedder } from './embedder';
import type { Logger } from './logger';
import type { RetrievalRoot } from './retrieval-root';

export interface VectorizerDeps {
  logger: Logger;
  roots: () => RetrievalRoot[];
  pause: () => Promise<void>;
  /** Backoff after a failure: first delay and cap (ms). */
  backoff?: { firstMs: number; maxMs: number };
  /** The vector files are written at most this often while indexing (ms), and when idle. */
  saveEveryMs?: number;
  /**
   * Which files' text may go to the embedder now (privacy.yaml): a chunk of a file it refuses is
   * never embedded, and is left out of the vector index; lexical search, which stays on this
   * machine, still finds it.
   */
  mayEmbed?: () => Promise<(path: string) => boolean>;
}

const QUERY_TIMEOUT_MS = 5_000;

export class Vectorizer {
  private embedder: Embedder | null = null;
  private batch = 64;
  private dims = 0;
  private readonly files = new Map<RetrievalRoot, string>();
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private backoffUntil = 0;
  private error = '';
  private readonly errors: Record<string, number> = {};
  private requests = 0;
  private vectors = 0;
  private lastSave = 0;
  private generation = 0;
  private disposed = false;
  private refused = 0;

  constructor(private readonly deps: VectorizerDeps) {}

  setEmbedder(embedder: Embedder | null, batch: number): void {
    this.embedder = embedder;
    this.batch = Math.max(1, batch || 64);
    this.dims = 0;
    this.generation++;
    this.failures = 0;
    this.backoffUntil = 0;
    this.error = '';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Where a root's vector file lives, for when the dimensions become known. */
  noteFile(root: RetrievalRoot, file: string): void {
    this.files.set(root, file);
  }

  knownDims(): number {
    return this.dims;
  }

  noteDownload(progress: DownloadProgress): void {
    if (progress.received === progress.total || progress.received % (8 << 20) < 65536) {
      this.deps.logger.info(`retrieval: downloading ${progress.url}: ${progress.received} of ${progress.total || '?'} bytes`);
    }
  }

  counters(): { requests: number; vectors: number; refused: number; errors: Record<string, number> } {
    return { requests: this.requests, vectors: this.vectors, refused: this.refused, errors: { ...this.errors } };
  }

  lastError(): string {
    return this.error;
  }

  /** Starts the run loop if there is work and it is not running or backing off. */
  kick(): void {
    if (this.running || this.disposed || !this.embedder || Date.now() < this.backoffUntil) return;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The query's vector, or null when the embedder is off, backing off, or fails now. */
  async embedQuery(query: string): Promise<Float32Array | null> {
    const embedder = this.embedder;
    if (!embedder || Date.now() < this.backoffUntil) return null;
    const outcome = await embedder.embed([query], AbortSignal.timeout(QUERY_TIMEOUT_MS));
    if (outcome.ok) return outcome.vectors[0]!;
    this.fail(outcome.error);
    return null;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.generation++;
    await this.idle();
  }

  private async run(): Promise<void> {
    const generation = this.generation;
    const embedder = this.embedder!;
    for (;;) {
      if (this.disposed || generation !== this.generation) return;
      const root = this.deps.roots().find((r) => r.pending.size > 0 || (!r.vectors && r.chunks.size > 0 && this.dims === 0));
      if (!root) break;
      const ids = root.vectors ? [...take(root.pending, this.batch)] : [...take(new Set(root.chunks.keys()), 1)];
      const ok = await this.fill(root, ids, embedder, generation);
      if (!ok) return;
      if (Date.now() - this.lastSave > (this.deps.saveEveryMs ?? 30_000)) this.save();
      await this.deps.pause();
    }
    this.save();
  }

  /** Vectors for `ids` from the cache or the embedder; false after a failure (backoff scheduled). */
  private async fill(root: RetrievalRoot, ids: number[], embedder: Embedder, generation: number): Promise<boolean> {
    const wanted: { id: number; hash: string; text: string }[] = [];
    const found: { id: number; vector: Float32Array }[] = [];
    const mayEmbed = this.deps.mayEmbed ? await this.deps.mayEmbed() : null;
    for (const id of ids) {
      const info = root.chunks.get(id);
      if (!info || (mayEmbed && !mayEmbed(info.path))) {
        root.pending.delete(id);
        this.refused += info ? 1 : 0;
        continue;
      }
      const cached = root.store.vector(embedder.key, info.hash);
      if (cached) found.push({ id, vector: cached });
      else {
        const row = root.store.chunkText(id);
        if (row) wanted.push({ id, hash: row.hash, text: row.text });
        else root.pending.delete(id);
      }
    }
    if (wanted.length > 0) {
      const outcome = await embedder.embed(wanted.map((w) => w.text));
      if (generation !== this.generation) return false;
      if (!outcome.ok) {
        this.fail(outcome.error);
        return false;
      }
      this.requests++;
      this.vectors += outcome.vectors.length;
      this.failures = 0;
      this.error = '';
      root.store.putVectors(embedder.key, wanted.map((w, i) => ({ hash: w.hash, vector: outcome.vectors[i]! })));
      wanted.forEach((w, i) => found.push({ id: w.id, vector: outcome.vectors[i]! }));
    }
    if (found.length > 0 && this.dims === 0) this.attachAll(embedder, found[0]!.vector.length);
    for (const { id, vector } of found) {
      root.pending.delete(id);
      // The chunk may have left while its batch was being embedded.
      if (root.chunks.has(id) && root.vectors) addChecked(root.vectors, id, vector, this.deps.logger);
    }
    return true;
  }

  private attachAll(embedder: Embedder, dims: number): void {
    this.dims = dims;
    for (const root of this.deps.roots()) {
      const file = this.files.get(root);
      if (file && !root.vectors) root.attachVectors(embedder.key, dims, file, this.deps.logger);
    }
  }

  private fail(error: string): void {
    const { firstMs, maxMs } = this.deps.backoff ?? { firstMs: 1000, maxMs: 60_000 };
    this.failures++;
    this.error = error;
    this.errors[error] = (this.errors[error] ?? 0) + 1;
    const delay = Math.min(maxMs, firstMs * 2 ** Math.min(this.failures - 1, 16));
    this.backoffUntil = Date.now() + delay;
    this.deps.logger.warn(`retrieval: embedding failed: ${error}; next try in ${delay} ms`);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, delay);
    this.retryTimer.unref();
  }

  private save(): void {
    this.lastSave = Date.now();
    for (const root of this.deps.roots()) {
      try {
        root.vectors?.save();
      } catch (error) {
        this.deps.logger.warn(`retrieval: cannot write ${root.vectors?.file}: ${(error as Error).message}`);
      }
    }
  }
}

function* take(set: Set<number>, n: number): Generator<number> {
  let i = 0;
  for (const id of set) {
    if (i++ >= n) return;
    yield id;
  }
}

function addChecked(index: VectorIndex, id: number, vector: Float32Array, logger: Logger): void {
  try {
    index.add(id, vector);
  } catch (error) {
    logger.warn(`retrieval: vector for chunk ${id} not added: ${(error as Error).message}`);
  }
}
