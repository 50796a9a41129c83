/**
 * Coalesces file-change events into batches: the last event per path wins, and a batch is let
 * go once events stop for `quietMs`, or after `maxWaitMs` of continuous churn, so a checkout of
 * thousands of files becomes a handful of batches instead of thousands of re-index requests.
 * Pure state machine: the caller owns the clock and the timer.
 */

export type ChangeKind = 'created' | 'changed' | 'deleted';

export interface FileChange {
  path: string;
  kind: ChangeKind;
}

export interface BatchTiming {
  quietMs: number;
  maxWaitMs: number;
}

export class ChangeBatcher {
  private pending = new Map<string, ChangeKind>();
  private firstAt = 0;
  private lastAt = 0;

  constructor(private readonly timing: BatchTiming) {}

  add(changes: readonly FileChange[], now: number): void {
    if (changes.length === 0) return;
    if (this.pending.size === 0) this.firstAt = now;
    this.lastAt = now;
    for (const { path, kind } of changes) this.pending.set(path, merge(this.pending.get(path), kind));
  }

  /** Milliseconds until the batch is due, or null when nothing is pending. */
  dueIn(now: number): number | null {
    if (this.pending.size === 0) return null;
    const quietDue = this.lastAt + this.timing.quietMs;
    const maxDue = this.firstAt + this.timing.maxWaitMs;
    return Math.max(0, Math.min(quietDue, maxDue) - now);
  }

  /** Takes the batch if it is due (or `force`), leaving the batcher empty. */
  take(now: number, force = false): FileChange[] | null {
    const due = this.dueIn(now);
    if (due === null || (due > 0 && !force)) return null;
    const batch = [...this.pending].map(([path, kind]) => ({ path, kind }));
    this.pending = new Map();
    return batch;
  }
}

/** A file created and then changed is still new; one deleted and created again (an atomic save) changed. */
function merge(previous: ChangeKind | undefined, next: ChangeKind): ChangeKind {
  if (previous === 'created' && next === 'changed') return 'created';
  if (previous === 'deleted' && next === 'created') return 'changed';
  return next;
}
