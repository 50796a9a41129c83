/**
 * Waits for a line to appear in a log file another process writes (the engine's
 * `--logs-to-file`), woken by file-system events on its folder rather than by a timer.
 */
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Resolves with the first match of `pattern` in the file, now or once it is written. */
export function waitForLogMatch(path: string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolveMatch, reject) => {
    const watcher = watch(dirname(path), (_event, file) => {
      if (file === null || file === basename(path)) check();
    });
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in ${path}; it has:\n${readLog(path)}`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    function check() {
      const match = readLog(path).match(pattern);
      if (match) finish(() => resolveMatch(match));
    }
    check();
  });
}

/** The first file named `name` under `root` (code-server puts extension logs in dated folders). */
export function findFile(root: string, name: string): string | null {
  if (!existsSync(root)) return null;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    }
  }
  return null;
}

/** How many times `pattern` (global) matches the file now. */
export function countLogMatches(path: string, pattern: RegExp): number {
  return readLog(path).match(pattern)?.length ?? 0;
}
