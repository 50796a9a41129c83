/**
 * Typed calls of the `parse` and `count` tasks through the worker pool. A file whose task fails
 * (its worker crashed, it hung past the limit, it was aborted) comes back as a skipped
 * `ParseOutcome` with the reason, and the other files go on.
 */
import type { ParseInput } from '../core/ast/parse-file';
import type { ParseOutcome, SkipReason } from '../core/ast/types';
import type { CountInput, CountOutput, EncodingName } from '../workers/count';
import type { RunOptions, TaskFailure, TaskOutcome, WorkerPool } from './worker-pool';

const SKIP_FOR: Record<TaskFailure, SkipReason> = {
  failed: 'task-crashed',
  timeout: 'task-timeout',
  aborted: 'aborted',
  'queue-full': 'aborted',
  closed: 'aborted',
};

/** What parsing needs of the pool; tests pass a wrapper that injects faults. */
export type ParseRunner = Pick<WorkerPool, 'run' | 'threads'>;

function skipped(path: string, outcome: Extract<TaskOutcome<unknown>, { ok: false }>): ParseOutcome {
  return { ok: false, path, reason: SKIP_FOR[outcome.reason], message: outcome.message };
}

export async function parseFile(pool: ParseRunner, input: ParseInput, options: RunOptions = {}, module = 'parse'): Promise<ParseOutcome> {
  const outcome = await pool.run<ParseInput, ParseOutcome>(module, 'parse', input, options);
  return outcome.ok ? outcome.value : skipped(input.path, outcome);
}

export interface ParseFilesOptions extends RunOptions {
  /** Files per task; small files parse faster in batches. A failed batch is retried file by file. */
  batch?: number;
  /** Task module name, for tests that inject faults. */
  module?: string;
  /** Called as each file finishes, in completion order. */
  onOutcome?: (outcome: ParseOutcome) => void;
}

/** Parses many files, one task in flight per worker thread. */
export async function parseFiles(pool: ParseRunner, inputs: readonly ParseInput[], options: ParseFilesOptions = {}): Promise<ParseOutcome[]> {
  const batch = Math.max(1, options.batch ?? 1);
  const module = options.module ?? 'parse';
  const run: RunOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const results: ParseOutcome[] = new Array(inputs.length);
  const finish = (i: number, outcome: ParseOutcome) => {
    results[i] = outcome;
    options.onOutcome?.(outcome);
  };
  const chunks: number[][] = [];
  for (let i = 0; i < inputs.length; i += batch) chunks.push(Array.from({ length: Math.min(batch, inputs.length - i) }, (_, k) => i + k));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      if (chunk.length === 1) {
        finish(chunk[0]!, await parseFile(pool, inputs[chunk[0]!]!, run, module));
        continue;
      }
      const outcome = await pool.run<{ files: ParseInput[] }, ParseOutcome[]>(module, 'parseMany', { files: chunk.map((i) => inputs[i]!) }, run);
      if (outcome.ok) chunk.forEach((i, k) => finish(i, outcome.value[k]!));
      else if (outcome.reason === 'aborted' || outcome.reason === 'closed') chunk.forEach((i) => finish(i, skipped(inputs[i]!.path, outcome)));
      else for (const i of chunk) finish(i, await parseFile(pool, inputs[i]!, run, module));
    }
  };
  // One lane per thread: tasks wait here rather than in the pool's queue, so a task's time limit
  // counts (nearly) only its own running time, and other users of the pool still find room.
  const lanes = Math.max(1, Math.min(chunks.length, pool.threads));
  await Promise.all(Array.from({ length: lanes }, worker));
  return results;
}

export async function countTokens(pool: WorkerPool, encoding: EncodingName, texts: string[], options: RunOptions = {}): Promise<TaskOutcome<number[]>> {
  const outcome = await pool.run<CountInput, CountOutput>('count', 'count', { encoding, texts }, options);
  return outcome.ok ? { ok: true, value: outcome.value.counts } : outcome;
}
