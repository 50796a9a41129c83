/**
 * Parse tasks that failed for a passing reason: a worker that crashed, a task or parse that ran
 * out of time (both depend on the machine's load). Such an outcome says nothing lasting about the
 * file, so the index never stores it; the file is tried again on the next pass, up to
 * `MAX_PARSE_ATTEMPTS` times for the same content, and then reported instead of retried.
 */
import type { AstFailedFile } from '../../../src/protocol/workspace';
import type { ParseOutcome, SkipReason } from './types';

export const MAX_PARSE_ATTEMPTS = 3;

const TRANSIENT: ReadonlySet<SkipReason> = new Set(['task-crashed', 'task-timeout', 'parse-timeout', 'aborted']);

/** Whether an outcome is a passing failure rather than a fact about the file. */
export function isTransientOutcome(outcome: ParseOutcome): boolean {
  return !outcome.ok && TRANSIENT.has(outcome.reason);
}

export class ParseFailures {
  private readonly byPath = new Map<string, AstFailedFile & { hash: string }>();

  /** Counts one failed attempt on this content (new content counts from one again); returns the count. */
  note(path: string, hash: string, outcome: Extract<ParseOutcome, { ok: false }>): number {
    const before = this.byPath.get(path);
    const attempts = before && before.hash === hash ? before.attempts + 1 : 1;
    this.byPath.set(path, { path, hash, reason: outcome.reason, message: outcome.message, attempts });
    return attempts;
  }

  /** The file got a real outcome, changed into something unreadable, or left the index. */
  clear(path: string): void {
    this.byPath.delete(path);
  }

  /** After a full listing: files no longer listed are no longer failures. */
  keepOnly(listed: ReadonlySet<string>): void {
    for (const path of this.byPath.keys()) if (!listed.has(path)) this.byPath.delete(path);
  }

  /** Files to parse again on the next pass. */
  due(): string[] {
    return [...this.byPath.values()].filter((f) => f.attempts < MAX_PARSE_ATTEMPTS).map((f) => f.path);
  }

  /** Files given up on, sorted by path, for `/v1/ast-status`. */
  givenUp(): AstFailedFile[] {
    return [...this.byPath.values()]
      .filter((f) => f.attempts >= MAX_PARSE_ATTEMPTS)
      .map(({ path, reason, message, attempts }) => ({ path, reason, message, attempts }))
      .sort((a, b) => a.path.localeCompare(b.path));
  }
}
