/**
 * Keeps the status bar true about what only HTTP tells: the caps (is there a completion model,
 * which) and the index file limits. Caps are asked with a short backoff until they load (the
 * engine answers 503 while it retries the server), then refreshed now and then; the index status
 * is read more often while indexing runs. Ends with the session's signal.
 */
import type { StatusEvent } from '../status/status-state';
import { getCaps, getRagStatus } from './engine-http';

export interface WatchOptions {
  port: number;
  status: (event: StatusEvent) => void;
  indexing: () => boolean;
  signal: AbortSignal;
}

const CAPS_RETRY_MS = [250, 500, 1000, 2000, 5000];
const CAPS_REFRESH_MS = 60_000;
const INDEX_BUSY_MS = 2000;
const INDEX_IDLE_MS = 15_000;

/** Starts watching; `refresh` asks for the caps again at once (after the engine came back). */
export function watchEngine(options: WatchOptions): { refresh: () => void } {
  const { port, status, signal } = options;
  let capsFailures = 0;
  const capsLoop = async (): Promise<void> => {
    if (signal.aborted) return;
    const caps = await getCaps(port, signal);
    if (signal.aborted) return;
    if (caps.ok) {
      capsFailures = 0;
      status({ type: 'caps-loaded', completionModel: caps.value.completion_default_model });
    } else {
      capsFailures++;
      status({ type: 'caps-failed', reason: caps.reason });
    }
    later(capsLoop, caps.ok ? CAPS_REFRESH_MS : CAPS_RETRY_MS[Math.min(capsFailures, CAPS_RETRY_MS.length) - 1]!);
  };
  const indexLoop = async (): Promise<void> => {
    if (signal.aborted) return;
    const rag = await getRagStatus(port, signal);
    if (signal.aborted) return;
    if (rag.ok) status({ type: 'index-limits', ast: rag.value.ast?.ast_max_files_hit ?? false, vecdb: rag.value.vecdb?.vecdb_max_files_hit ?? false });
    later(indexLoop, options.indexing() ? INDEX_BUSY_MS : INDEX_IDLE_MS);
  };
  let capsTimer: NodeJS.Timeout | undefined;
  const later = (run: () => Promise<void>, ms: number) => {
    const timer = setTimeout(() => void run(), ms);
    if (run === capsLoop) capsTimer = timer;
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  };
  void capsLoop();
  void indexLoop();
  return {
    refresh: () => {
      clearTimeout(capsTimer);
      capsFailures = 0;
      void capsLoop();
    },
  };
}
