/** Route adapters answer a service's outcome: its value, or its failure as a `{"detail"}` error. */
import type { Outcome } from '../core/outcome';
import { problem } from './errors';

export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw problem(outcome.kind, outcome.detail);
}
