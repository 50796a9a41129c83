/**
 * Everything retrieval keeps for one workspace root: the store on disk, and in memory the
 * lexical index, the symbol index, the chunk ranges, and (with an embedding model) the vector
 * index plus the chunks still waiting for a vector. Every change goes through here, so that a
 * deleted or changed file leaves every index at once.
 */
import type { Scored } from '../core/retrieval/bm25';
import { Bm25Index } from '../core/retrieval/bm25';
import type { ChunkRef } from '../core/retrieval/fuse';
import { SymbolIndex } from '../core/retrieval/symbol-index';
import type { ChunkRecord } from '../workers/chunk';
import type { Logger } from './logger';
import { RetrievalStore, type FileStamp, type StoredChunk } from './retrieval-store';
import { VectorIndex, type VectorHit } from './vector-index';

interface ChunkInfo extends ChunkRef {
  hash: string;
}

export class RetrievalRoot {
  readonly bm25 = new Bm25Index();
  readonly symbols = new SymbolIndex();
  readonly chunks = new Map<number, ChunkInfo>();
  /** Chunks without a vector in `vectors` yet, oldest first. */
  readonly pending = new Set<number>();
  vectors: VectorIndex | null = null;
  vectorKey = '';

  constructor(
    readonly root: string,
    readonly store: RetrievalStore,
  ) {}

  /** Loads every stored chunk into memory; `pause` lets the event loop breathe between rows. */
  async load(pause: () => Promise<void>): Promise<void> {
    for (const chunk of this.store.chunks()) {
      this.addToMemory(chunk);
      await pause();
    }
  }

  replaceFile(stamp: FileStamp, records: readonly ChunkRecord[]): void {
    const { removed, added } = this.store.replaceFile(stamp, records);
    for (const chunk of removed) this.removeFromMemory(chunk);
    for (const chunk of added) this.addToMemory(chunk);
  }

  removeFiles(paths: readonly string[]): number {
    const removed = this.store.removeFiles(paths);
    for (const chunk of removed) this.removeFromMemory(chunk);
    return removed.length;
  }

  /**
   * Attaches a vector index for `key` (an embedding model): the one on disk when it is sound,
   * reconciled with the store (vectors of deleted chunks dropped, missing ones queued), or a new
   * one filled from the embedding cache. Returns why it was rebuilt, or '' when it loaded.
   */
  attachVectors(key: string, dims: number, file: string, logger: Logger): string {
    this.vectorKey = key;
    const loaded = VectorIndex.load(file, dims);
    this.vectors = loaded.index ?? VectorIndex.create(file, dims, this.chunks.size + 16);
    if (!loaded.index) logger.info(`retrieval: vector index ${file}: ${loaded.why}; rebuilding from stored vectors`);
    for (const id of [...this.vectors.ids()]) if (!this.chunks.has(id)) this.vectors.remove(id);
    this.pending.clear();
    for (const id of this.chunks.keys()) if (!this.vectors.has(id)) this.pending.add(id);
    return loaded.index ? '' : loaded.why;
  }

  detachVectors(): void {
    this.vectors = null;
    this.vectorKey = '';
    this.pending.clear();
  }

  lexical(tokens: readonly string[], limit: number): Scored[] {
    return this.bm25.search(tokens, limit);
  }

  vectorSearch(vector: Float32Array, limit: number): VectorHit[] {
    return this.vectors ? this.vectors.search(vector, limit) : [];
  }

  close(): void {
    this.vectors?.save();
    this.store.close();
  }

  private addToMemory(chunk: StoredChunk): void {
    this.bm25.add(chunk.id, chunk);
    this.symbols.add(chunk.id, chunk.names);
    this.chunks.set(chunk.id, { path: chunk.path, line1: chunk.line1, line2: chunk.line2, hash: chunk.hash });
    if (this.vectors) this.pending.add(chunk.id);
  }

  private removeFromMemory(chunk: StoredChunk): void {
    this.bm25.remove(chunk.id, chunk);
    this.symbols.remove(chunk.id);
    this.chunks.delete(chunk.id);
    this.pending.delete(chunk.id);
    this.vectors?.remove(chunk.id);
  }
}
