/**
 * The engine's logger: one line per event, to stderr, to a named file, or to a daily file under
 * the cache directory. Never to stdout, which may carry LSP.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogTarget = { kind: 'stderr' } | { kind: 'file'; path: string } | { kind: 'daily'; dir: string };

export function createLogger(target: LogTarget, minLevel: LogLevel): Logger {
  const sink = createSink(target);
  const write = (level: LogLevel, message: string) => {
    if (RANK[level] < RANK[minLevel]) return;
    sink(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

function createSink(target: LogTarget): (line: string) => void {
  if (target.kind === 'stderr') return (line) => process.stderr.write(line);
  if (target.kind === 'file') {
    mkdirSync(dirname(target.path), { recursive: true });
    return (line) => appendQuietly(target.path, line);
  }
  mkdirSync(target.dir, { recursive: true });
  // The file name carries the day, so a long-running engine rolls over at midnight by itself.
  return (line) => appendQuietly(join(target.dir, `refact-ts.${line.slice(0, 10)}.log`), line);
}

function appendQuietly(path: string, line: string): void {
  try {
    appendFileSync(path, line);
  } catch {
    // A full or read-only disk must not take the engine down; the line is lost.
  }
}
