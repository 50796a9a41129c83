/**
 * The retrieval index of one workspace root on disk: a libsql file (WAL) beside the AST store,
 * holding each file's stamp, its chunks (range, text, hash, lexical term counts, declared
 * names) and the embedding cache (vectors by model and chunk hash). A file's chunks are
 * replaced in one transaction, so a kill at any moment leaves each file old or new, never
 * half. The in-memory lexical and symbol indexes are rebuilt from these rows at start.
 */
import { existsSync, statSync } from 'node:fs';
import type Database from 'libsql';
import type { ChunkRecord } from '../workers/chunk';
import type { Logger } from './logger';
import { closeSqliteFile, openSqliteFile, storeFile, type Db, type SqliteLayout } from './sqlite-file';

const SCHEMA_VERSION = 1;

export interface FileStamp {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
}

/** What the in-memory indexes keep of a chunk. */
export interface StoredChunk {
  id: number;
  path: string;
  line1: number;
  line2: number;
  hash: string;
  terms: string[];
  counts: number[];
  names: string[];
}

type Statement = Database.Statement<unknown[]>;

export class RetrievalStore {
  private readonly s: Record<'upsertFile' | 'restamp' | 'deleteFile' | 'filesUnder' | 'chunksOf' | 'deleteChunks' | 'insertChunk' | 'chunkText' | 'vector' | 'putVector', Statement>;

  private constructor(
    private readonly db: Db,
    readonly file: string,
  ) {
    this.s = {
      upsertFile: db.prepare('INSERT OR REPLACE INTO files (path, hash, size, mtime_ms) VALUES (?, ?, ?, ?)'),
      restamp: db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?'),
      deleteFile: db.prepare('DELETE FROM files WHERE path = ?'),
      // '0' follows '/' in code order, so this range is every path below a folder.
      filesUnder: db.prepare("SELECT path FROM files WHERE path > ? || '/' AND path < ? || '0'"),
      chunksOf: db.prepare('SELECT id, line1, line2, hash, terms, names FROM chunks WHERE path = ?'),
      deleteChunks: db.prepare('DELETE FROM chunks WHERE path = ?'),
      insertChunk: db.prepare('INSERT INTO chunks (path, line1, line2, kind, symbol, hash, text, terms, names) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      chunkText: db.prepare('SELECT hash, text FROM chunks WHERE id = ?'),
      vector: db.prepare('SELECT vector FROM embeddings WHERE model = ? AND hash = ?'),
      putVector: db.prepare('INSERT OR REPLACE INTO embeddings (model, hash, vector) VALUES (?, ?, ?)'),
    };
  }

  /**
   * Opens (or creates) the store for `root`. `chunkerVersion` names the splitter build and its
   * window; when it changes, files and chunks are dropped (the embedding cache stays: its keys
   * are text hashes, still right for chunks that come out the same).
   */
  static open(cacheDir: string, root: string, chunkerVersion: string, logger: Logger): RetrievalStore {
    const file = storeFile(cacheDir, 'retrieval', root);
    return new RetrievalStore(openSqliteFile(file, layout(chunkerVersion), logger), file);
  }

  stamps(): FileStamp[] {
    return this.db.prepare('SELECT path, hash, size, mtime_ms AS mtimeMs FROM files').all() as FileStamp[];
  }

  /** Streams every chunk for the in-memory indexes. */
  *chunks(): Generator<StoredChunk> {
    for (const row of this.db.prepare('SELECT id, path, line1, line2, hash, terms, names FROM chunks').iterate()) yield decode(row as RawChunk);
  }

  /** Replaces a file's chunks; returns the old ones (for the in-memory indexes to forget) and the new ones with their ids. */
  replaceFile(stamp: FileStamp, records: readonly ChunkRecord[]): { removed: StoredChunk[]; added: StoredChunk[] } {
    let result!: { removed: StoredChunk[]; added: StoredChunk[] };
    this.db.transaction(() => {
      const removed = (this.s.chunksOf.all(stamp.path) as RawChunk[]).map((r) => decode({ ...r, path: stamp.path }));
      this.s.deleteChunks.run(stamp.path);
      const added: StoredChunk[] = [];
      for (const c of records) {
        const terms = encodeTerms(c.terms, c.counts);
        const names = c.names.join(' ');
        const info = this.s.insertChunk.run(stamp.path, c.line1, c.line2, c.kind, c.symbol, c.hash, c.text, terms, names);
        added.push({ id: Number(info.lastInsertRowid), path: stamp.path, line1: c.line1, line2: c.line2, hash: c.hash, terms: c.terms, counts: c.counts, names: c.names });
      }
      this.s.upsertFile.run(stamp.path, stamp.hash, stamp.size, stamp.mtimeMs);
      result = { removed, added };
    })();
    return result;
  }

  /** Forgets files, and every file below a path that was a folder; returns their chunks. */
  removeFiles(paths: readonly string[]): StoredChunk[] {
    const removed: StoredChunk[] = [];
    if (paths.length === 0) return removed;
    const below = paths.flatMap((path) => (this.s.filesUnder.all(path, path) as { path: string }[]).map((row) => row.path));
    this.db.transaction(() => {
      for (const path of [...paths, ...below]) {
        removed.push(...(this.s.chunksOf.all(path) as RawChunk[]).map((r) => decode({ ...r, path })));
        this.s.deleteChunks.run(path);
        this.s.deleteFile.run(path);
      }
    })();
    return removed;
  }

  restamp(stamps: readonly FileStamp[]): void {
    if (stamps.length === 0) return;
    this.db.transaction(() => {
      for (const f of stamps) this.s.restamp.run(f.size, f.mtimeMs, f.path);
    })();
  }

  chunkText(id: number): { hash: string; text: string } | undefined {
    return this.s.chunkText.get(id) as { hash: string; text: string } | undefined;
  }

  vector(model: string, hash: string): Float32Array | undefined {
    const row = this.s.vector.get(model, hash) as { vector: Buffer } | undefined;
    return row ? toFloats(row.vector) : undefined;
  }

  putVectors(model: string, entries: readonly { hash: string; vector: Float32Array }[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const e of entries) this.s.putVector.run(model, e.hash, Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength));
    })();
  }

  cacheSize(model: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM embeddings WHERE model = ?').get(model) as { n: number }).n;
  }

  chunkCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
  }

  /** Bytes on disk, the write-ahead log included. */
  sizeOnDisk(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) if (existsSync(this.file + suffix)) total += statSync(this.file + suffix).size;
    return total;
  }

  close(): void {
    closeSqliteFile(this.db);
  }
}

interface RawChunk {
  id: number;
  path: string;
  line1: number;
  line2: number;
  hash: string;
  terms: string;
  names: string;
}

/** Terms are `[\p{L}\p{N}_]` only, so `term:count` pairs joined by spaces are unambiguous and compact. */
function encodeTerms(terms: readonly string[], counts: readonly number[]): string {
  return terms.map((t, i) => (counts[i] === 1 ? t : `${t}:${counts[i]}`)).join(' ');
}

function decode(row: RawChunk): StoredChunk {
  const terms: string[] = [];
  const counts: number[] = [];
  if (row.terms) {
    for (const pair of row.terms.split(' ')) {
      const colon = pair.lastIndexOf(':');
      if (colon < 0) {
        terms.push(pair);
        counts.push(1);
      } else {
        terms.push(pair.slice(0, colon));
        counts.push(Number(pair.slice(colon + 1)));
      }
    }
  }
  return { id: row.id, path: row.path, line1: row.line1, line2: row.line2, hash: row.hash, terms, counts, names: row.names ? row.names.split(' ') : [] };
}

function toFloats(bytes: Buffer): Float32Array {
  // A copy: the Buffer's memory may not be 4-byte aligned.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function layout(chunkerVersion: string): SqliteLayout {
  return {
    what: 'retrieval store',
    schemaVersion: SCHEMA_VERSION,
    tables: ['files', 'chunks', 'embeddings', 'meta'],
    // AUTOINCREMENT: a chunk id is never reused, which the in-memory indexes rely on.
    create: `
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, line1 INTEGER NOT NULL, line2 INTEGER NOT NULL,
        kind TEXT NOT NULL, symbol TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL, terms TEXT NOT NULL, names TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS chunks_path ON chunks (path);
      CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID;`,
    // The embedding cache stays: its keys are text hashes, still right for chunks that come out the same.
    content: { key: 'chunker', value: chunkerVersion, clear: 'DELETE FROM files; DELETE FROM chunks;' },
    check: 'quick_check',
  };
}
