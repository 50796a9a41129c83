/**
 * What the engine's SQLite stores (the AST index, retrieval) share about their files: where one
 * lives in the cache, how it opens (WAL, a health check, the schema and content versions), and
 * what happens when it does not open: the file and its journal are set aside as `.broken-<time>`
 * and an empty one takes its place, so a damaged cache costs a rebuild, never a crash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'libsql';
import type { Logger } from './logger';

export type Db = InstanceType<typeof Database>;

export interface SqliteLayout {
  /** Names the store in log lines ("index store"). */
  what: string;
  /** Bump when the table layout changes: an older file's tables are dropped and made again. */
  schemaVersion: number;
  /** The tables the layout creates, dropped when the schema version differs. */
  tables: readonly string[];
  /** `CREATE … IF NOT EXISTS` statements; a `meta (key, value)` table among them. */
  create: string;
  /**
   * What produced the stored rows (an extractor or chunker build), kept in `meta` under `key`;
   * when `value` differs, `clear` empties the rows so that they are made again.
   */
  content: { key: string; value: string; clear: string };
  /**
   * `quick_check` reads the whole file; `header` only the schema page (a file that is not a
   * database fails there), for stores large enough that a full check would slow every start.
   */
  check: 'quick_check' | 'header';
}

/** The store file of `root` under `<cacheDir>/<folder>/`, named by the root's name and hash. */
export function storeFile(cacheDir: string, folder: string, root: string): string {
  const dir = join(cacheDir, folder);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${basename(root) || 'root'}-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.sqlite`);
}

/** Opens (or creates) `file` in `layout`; a file that fails to open or check is set aside and made anew. */
export function openSqliteFile(file: string, layout: SqliteLayout, logger: Logger): Db {
  try {
    return openChecked(file, layout);
  } catch (error) {
    setAside(file, layout.what, (error as Error).message, logger);
    return openChecked(file, layout);
  }
}

/** Moves a store file and its journal out of the way, so that the next open starts empty. */
export function setAside(file: string, what: string, reason: string, logger: Logger): void {
  const aside = `${file}.broken-${Date.now()}`;
  logger.warn(`${what} ${file} is unusable (${reason}); moved to ${aside}, rebuilding`);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
}

/** Folds the write-ahead log into the main file, so the file on disk stands alone, and closes. */
export function closeSqliteFile(db: Db): void {
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function openChecked(file: string, layout: SqliteLayout): Db {
  const db = new Database(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    if (layout.check === 'quick_check') {
      const check = db.prepare('PRAGMA quick_check').get() as Record<string, string> | undefined;
      const verdict = check ? Object.values(check)[0] : 'no answer';
      if (verdict !== 'ok') throw new Error(`quick_check: ${verdict}`);
    } else {
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    }
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version !== layout.schemaVersion) {
      db.exec(`${layout.tables.map((t) => `DROP TABLE IF EXISTS ${t};`).join(' ')} PRAGMA user_version = ${layout.schemaVersion};`);
    }
    db.exec(layout.create);
    const { key, value, clear } = layout.content;
    const stored = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    if (stored?.value !== value) {
      db.transaction(() => {
        db.exec(clear);
        db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
      })();
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
