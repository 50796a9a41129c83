/**
 * The persistent index of one workspace root: an SQLite file (libsql, WAL) under the cache
 * directory, one row per file with its content hash, stat, and encoded parse outcome. SQLite's
 * journal makes a kill -9 at any moment lose at most the last batch; a file that does not open,
 * or fails a read later, is set aside and rebuilt, never a crash.
 */
import type Database from 'libsql';
import type { Logger } from './logger';
import { closeSqliteFile, openSqliteFile, setAside, storeFile, type Db, type SqliteLayout } from './sqlite-file';

/** Bump when the table layout changes; older files are rebuilt. */
const SCHEMA_VERSION = 1;
const WHAT = 'index store';

/** What decides whether a stored outcome is still good: the file's hash and stat. */
export interface FileStamp {
  path: string;
  /** sha1 of the content the stored outcome was computed from. */
  hash: string;
  size: number;
  mtimeMs: number;
}

export interface StoredFile extends FileStamp {
  /** The parse outcome (a `ParseOutcome`), as JSON text; parsed lazily by the caller. */
  outcome: string;
}

export class IndexStore {
  private readonly selectOutcome: Database.Statement<unknown[]>;
  private readonly upsert: Database.Statement<unknown[]>;
  private readonly restampOne: Database.Statement<unknown[]>;
  private readonly remove: Database.Statement<unknown[]>;

  private constructor(
    private readonly db: Db,
    readonly file: string,
  ) {
    this.selectOutcome = db.prepare('SELECT outcome FROM files WHERE path = ?');
    this.upsert = db.prepare('INSERT OR REPLACE INTO files (path, hash, size, mtime_ms, outcome) VALUES (?, ?, ?, ?, ?)');
    this.restampOne = db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?');
    this.remove = db.prepare('DELETE FROM files WHERE path = ?');
  }

  /**
   * Opens (or creates) the store for `root`. `contentVersion` names the extractor that produced
   * stored outcomes; when it changes, stored rows are dropped so every file is parsed again.
   */
  static open(cacheDir: string, root: string, contentVersion: string, logger: Logger): IndexStore {
    const file = storeFile(cacheDir, 'index', root);
    return new IndexStore(openSqliteFile(file, layout(contentVersion), logger), file);
  }

  /** Sets this store's file aside and opens an empty one in its place (after a read error). */
  static reset(broken: IndexStore, cacheDir: string, root: string, contentVersion: string, logger: Logger): IndexStore {
    try {
      broken.db.close();
    } catch {
      // Already unusable; the file is moved aside below either way.
    }
    setAside(broken.file, WHAT, 'a read failed', logger);
    return IndexStore.open(cacheDir, root, contentVersion, logger);
  }

  /** Every stored file without its outcome (which can be large); the caller decides which are stale. */
  stamps(): FileStamp[] {
    return this.db.prepare('SELECT path, hash, size, mtime_ms AS mtimeMs FROM files').all() as FileStamp[];
  }

  /** Streams every stored outcome, a few rows at a time, so that a re-open never holds them all. */
  *outcomes(): Generator<{ path: string; outcome: string }> {
    for (const row of this.db.prepare('SELECT path, outcome FROM files').iterate()) yield row as { path: string; outcome: string };
  }

  /** One file's stored outcome. */
  outcome(path: string): string | undefined {
    return (this.selectOutcome.get(path) as { outcome: string } | undefined)?.outcome;
  }

  /** Writes a batch in one transaction: all of it lands, or none of it. */
  put(files: readonly StoredFile[]): void {
    if (files.length === 0) return;
    this.db.transaction(() => {
      for (const f of files) this.upsert.run(f.path, f.hash, f.size, f.mtimeMs, f.outcome);
    })();
  }

  /** New stat for files whose content (hash) did not change, such as after a `touch` or checkout. */
  restamp(stamps: readonly FileStamp[]): void {
    if (stamps.length === 0) return;
    this.db.transaction(() => {
      for (const f of stamps) this.restampOne.run(f.size, f.mtimeMs, f.path);
    })();
  }

  delete(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.db.transaction(() => {
      for (const path of paths) this.remove.run(path);
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
  }

  /** Folds the write-ahead log into the main file, so the file on disk stands alone. */
  close(): void {
    closeSqliteFile(this.db);
  }
}

function layout(contentVersion: string): SqliteLayout {
  return {
    what: WHAT,
    schemaVersion: SCHEMA_VERSION,
    tables: ['files', 'meta'],
    create: `
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS files (
        path TEXT PRIMARY KEY, hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL, outcome TEXT NOT NULL
      ) WITHOUT ROWID;`,
    content: { key: 'content_version', value: contentVersion, clear: 'DELETE FROM files' },
    // A full quick_check would read the whole file (about 2 s for 10k files' outcomes) on every
    // start; deeper damage surfaces as a read error, and the index then rebuilds (see
    // AstIndexService.loadStores).
    check: 'header',
  };
}
