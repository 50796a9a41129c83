/**
 * What the engine does with an error nobody caught: after one, its state is unknown (a half-done
 * index write, a lost promise chain), so carrying on would serve wrong answers quietly. It logs
 * the error with its stack, disposes the services in order, and exits non-zero, so that the
 * editor's restart takes over with a fresh process.
 */
import type { Logger } from './logger';

export interface FatalErrorDeps {
  logger: Logger;
  /** The running engine's shutdown; null while it is still starting (nothing to dispose yet). */
  shutdown(): ((reason: string, exitCode: number) => Promise<number>) | null;
  exit(code: number): void;
}

/** A broken engine's disposal may hang; past this the process exits anyway. */
const DISPOSE_LIMIT_MS = 5_000;

export function describeFatal(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

export function handleFatalErrors(deps: FatalErrorDeps): void {
  let fatal = false;
  const onFatal = (kind: string, error: unknown) => {
    deps.logger.error(`fatal: ${kind}: ${describeFatal(error)}`);
    // A second error (often from the disposal itself) is logged; the way out is already taken.
    if (fatal) return;
    fatal = true;
    const shutdown = deps.shutdown();
    if (!shutdown) return deps.exit(1);
    setTimeout(() => {
      deps.logger.error(`fatal: disposal did not finish in ${DISPOSE_LIMIT_MS} ms; exiting`);
      deps.exit(1);
    }, DISPOSE_LIMIT_MS).unref();
    void shutdown(kind, 1).finally(() => deps.exit(1));
  };
  process.on('uncaughtException', (error) => onFatal('uncaught exception', error));
  process.on('unhandledRejection', (error) => onFatal('unhandled rejection', error));
}

/**
 * Test-only fault injection, for the test that proves the above in a real engine process: only
 * under NODE_ENV=test, `REFACT_TS_TEST_FAULT` makes the started engine throw (`uncaught-after-start`)
 * or reject (`rejection-after-start`) where nothing catches it. Without both variables it does nothing.
 */
export function injectTestFault(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV !== 'test') return;
  const fault = env.REFACT_TS_TEST_FAULT;
  if (fault === 'uncaught-after-start') {
    setImmediate(() => {
      throw new Error('injected fault: uncaught exception after start');
    });
  } else if (fault === 'rejection-after-start') {
    setImmediate(() => void Promise.reject(new Error('injected fault: unhandled rejection after start')));
  }
}
