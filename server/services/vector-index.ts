/**
 * The vector index of one workspace root and embedding model: hnswlib (cosine) in memory,
 * written beside the store as `<name>.hnsw` with a `<name>.hnsw.sum` sidecar (sha1, size,
 * dimensions). The sidecar is checked before the native reader ever sees the file, so a
 * truncated or scribbled file is rebuilt from the stored vectors rather than trusted; the
 * write goes to a temporary file first and is renamed into place.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';

export interface VectorHit {
  id: number;
  distance: number;
}

const M = 16;
const EF_CONSTRUCTION = 100;
const EF_SEARCH = 64;

export class VectorIndex {
  private readonly live = new Set<number>();
  private dirty = false;

  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dims: number,
    readonly file: string,
  ) {
    index.setEf(EF_SEARCH);
  }

  static create(file: string, dims: number, capacity = 1024): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    index.initIndex({ maxElements: Math.max(16, capacity), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: 100, allowReplaceDeleted: true });
    const v = new VectorIndex(index, dims, file);
    v.dirty = true;
    return v;
  }

  /** The index on disk if its checksum and dimensions hold, else null (the caller rebuilds). */
  static load(file: string, dims: number): { index: VectorIndex } | { index: null; why: string } {
    if (!existsSync(file)) return { index: null, why: 'no vector file' };
    if (!existsSync(`${file}.sum`)) return { index: null, why: 'no checksum beside the vector file' };
    const [sum, size, storedDims] = readFileSync(`${file}.sum`, 'utf8').trim().split(' ');
    const bytes = readFileSync(file);
    if (Number(storedDims) !== dims) return { index: null, why: `stored for ${storedDims} dimensions, the model has ${dims}` };
    if (Number(size) !== bytes.length || createHash('sha1').update(bytes).digest('hex') !== sum) return { index: null, why: 'the vector file does not match its checksum' };
    try {
      const index = new hnswlib.HierarchicalNSW('cosine', dims);
      index.readIndexSync(file, true);
      const v = new VectorIndex(index, dims, file);
      // Deleted labels are listed too; the caller reconciles with the store, which removes them.
      for (const id of index.getIdsList()) v.live.add(id);
      return { index: v };
    } catch (error) {
      return { index: null, why: `unreadable: ${(error as Error).message}` };
    }
  }

  get size(): number {
    return this.live.size;
  }

  ids(): ReadonlySet<number> {
    return this.live;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new Error(`vector of ${vector.length} dimensions, index has ${this.dims}`);
    if (this.live.has(id)) return;
    const count = this.index.getCurrentCount();
    if (count >= this.index.getMaxElements()) this.index.resizeIndex(Math.ceil(count * 1.5) + 16);
    this.index.addPoint(Array.from(vector), id, true);
    this.live.add(id);
    this.dirty = true;
  }

  remove(id: number): void {
    if (!this.live.delete(id)) return;
    try {
      this.index.markDelete(id);
    } catch {
      // Already deleted in the file we loaded (hnswlib lists deleted labels too): nothing to do.
    }
    this.dirty = true;
  }

  search(vector: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.live.size);
    if (n === 0) return [];
    const result = this.index.searchKnn(Array.from(vector), n);
    return result.neighbors.map((id, i) => ({ id, distance: result.distances[i]! }));
  }

  /** Writes the index if it changed since the last save. */
  save(): boolean {
    if (!this.dirty) return false;
    const tmp = `${this.file}.tmp`;
    this.index.writeIndexSync(tmp);
    const bytes = readFileSync(tmp);
    const sum = `${createHash('sha1').update(bytes).digest('hex')} ${bytes.length} ${this.dims}\n`;
    // The old checksum goes first: a crash between the renames leaves a mismatch, which rebuilds.
    rmSync(`${this.file}.sum`, { force: true });
    renameSync(tmp, this.file);
    writeFileSync(`${this.file}.sum.tmp`, sum);
    renameSync(`${this.file}.sum.tmp`, `${this.file}.sum`);
    this.dirty = false;
    return true;
  }
}
