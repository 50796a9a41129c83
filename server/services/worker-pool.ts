/**
 * The one owner of the engine's worker threads: a piscina pool that runs named tasks from the
 * task modules in `server/workers/` (`parse`, `count`). A task that throws, crashes its worker,
 * hangs past its timeout or is aborted comes back as a failed outcome, never as an exception,
 * so one bad file cannot take the engine down. The queue is bounded: a full queue is an outcome
 * too, and callers are expected to keep at most `capacity` tasks in flight.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import type { Logger } from './logger';

export type TaskFailure = 'failed' | 'timeout' | 'aborted' | 'queue-full' | 'closed';

export type TaskOutcome<T> = { ok: true; value: T } | { ok: false; reason: TaskFailure; message: string };

export interface WorkerPoolOptions {
  /** Folder of the built task modules, `dist/server/workers` beside the engine bundle. */
  workersDir: string;
  /** How a task module's name becomes a file; defaults to `<workersDir>/<module>.js`. */
  moduleFile?: (module: string) => string;
  /** Worker threads; defaults to cores − 1, at least 1. */
  threads?: number;
  /** Tasks that may wait for a thread; defaults to 64 per thread. */
  maxQueue?: number;
  /** Idle workers exit after this long (ms); they are started again on demand. */
  idleTimeoutMs?: number;
  /** Default per-task time limit (ms); a hung task's worker is terminated. */
  taskTimeoutMs?: number;
  /**
   * Heap limit of each worker (MiB). A small heap keeps the engine's memory flat: V8 collects
   * sooner, and a task that needs more fails alone (its worker restarts).
   */
  workerHeapMiB?: number;
  logger?: Logger;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A readable message for whatever a worker threw or piscina rejected with. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class WorkerPool {
  private readonly pool: Piscina;
  private readonly moduleFile: (module: string) => string;
  private readonly taskTimeoutMs: number;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    const threads = Math.max(1, options.threads ?? defaultThreads());
    this.moduleFile = options.moduleFile ?? ((module) => join(options.workersDir, `${module}.js`));
    this.taskTimeoutMs = options.taskTimeoutMs ?? 30_000;
    this.pool = new Piscina({
      minThreads: 0,
      maxThreads: threads,
      maxQueue: options.maxQueue ?? threads * 64,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMiB ?? 256, maxYoungGenerationSizeMb: 16 },
    });
    // Errors not tied to a task (a worker that cannot start) are emitted on the pool; with no
    // listener they would be thrown as uncaught exceptions. Tasks still end by their time limit.
    this.pool.on('error', (error: unknown) => options.logger?.error(`worker pool: ${describe(error)}`));
  }

  get threads(): number {
    return this.pool.maxThreads;
  }

  /** How many tasks may be in flight (running plus queued) before the queue refuses more. */
  get capacity(): number {
    return this.pool.maxThreads + this.pool.options.maxQueue;
  }

  get queued(): number {
    return this.pool.queueSize;
  }

  get completed(): number {
    return this.pool.completed;
  }

  /** Runs the exported function `task` of task module `module` on `input`. */
  async run<I, O>(module: string, task: string, input: I, options: RunOptions = {}): Promise<TaskOutcome<O>> {
    if (this.closed) return { ok: false, reason: 'closed', message: 'the worker pool is closed' };
    if (options.signal?.aborted) return { ok: false, reason: 'aborted', message: 'aborted before it started' };
    const limit = options.timeoutMs ?? this.taskTimeoutMs;
    const timeout = AbortSignal.timeout(limit);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const value = (await this.pool.run(input, { filename: this.moduleFile(module), name: task, signal })) as O;
      return { ok: true, value };
    } catch (error) {
      const message = describe(error);
      if (timeout.aborted) return { ok: false, reason: 'timeout', message: `${module}.${task} took over ${limit} ms` };
      if (options.signal?.aborted) return { ok: false, reason: 'aborted', message };
      if (this.closed) return { ok: false, reason: 'closed', message };
      if (/queue is at limit/i.test(message)) return { ok: false, reason: 'queue-full', message };
      this.options.logger?.warn(`worker task ${module}.${task} failed: ${message}`);
      return { ok: false, reason: 'failed', message };
    }
  }

  /** Stops the workers; queued and running tasks come back as `closed`. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
