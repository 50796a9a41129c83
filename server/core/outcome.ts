/**
 * Expected failures as values: a service answers `fail('NotFound', ...)` instead of throwing,
 * and each boundary (HTTP, LSP) translates the kind once, through the protocol's error registry.
 */
import type { ErrorCodes } from '../../src/protocol/errors';

export type FailureKind = keyof typeof ErrorCodes;
export type Failure = { ok: false; kind: FailureKind; detail: string };
export type Outcome<T> = { ok: true; value: T } | Failure;

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(kind: FailureKind, detail: string): Failure {
  return { ok: false, kind, detail };
}
