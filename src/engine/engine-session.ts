/**
 * One engine session: the language client over a launch plan, with a restart budget on
 * crashes and the engine's indexing `$/progress` routed to the status bar instead of a
 * notification. The session ends when it is disposed (a restart makes a new one).
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { serverOptionsFor } from '../engine-launcher';
import type { StatusEvent } from '../status/status-state';
import type { LaunchPlan } from './launch-plan';
import type { RestartBudget } from './restart-budget';

export interface SessionHooks {
  output: vscode.LogOutputChannel;
  budget: RestartBudget;
  status: (event: StatusEvent) => void;
  /** The budget ran out: the engine stays down until the user restarts it. */
  gaveUp: (reason: string) => void;
}

export function createEngineClient(plan: LaunchPlan, hooks: SessionHooks): LanguageClient {
  const xDebug = plan.kind === 'connect';
  const client = new LanguageClient('refactts', 'Refact TS Engine', serverOptionsFor(plan), {
    documentSelector: [{ scheme: 'file' }],
    outputChannel: hooks.output,
    // Activation errors are loud (shown once by us); request errors stay quiet in the log.
    revealOutputChannelOn: 4 /* RevealOutputChannelOn.Never */,
    initializationFailedHandler: () => false,
    middleware: {
      // The engine advertises the standard inlineCompletionProvider for other editors, so the
      // client registers a provider of its own; ours (inline-provider.ts) asks through
      // `refact/getCompletions`, which carries the id that acceptance reports, so this one stays silent.
      provideInlineCompletionItems: () => null,
    },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue, handled: true }),
      closed: () => {
        if (xDebug) {
          hooks.status({ type: 'engine-unreachable', reason: 'the engine on 127.0.0.1:8002 closed the connection' });
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        if (hooks.budget.crashed(Date.now())) {
          hooks.output.warn('engine: the process exited; starting it again');
          return { action: CloseAction.Restart, handled: true };
        }
        const reason = `it exited ${hooks.budget.maxRestarts + 1} times within ${Math.round(hooks.budget.windowMs / 60_000)} minutes`;
        hooks.gaveUp(reason);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  });
  client.onDidChangeState(({ newState }) => {
    if (newState === State.Starting) hooks.status({ type: 'engine-starting', xDebug });
    else if (newState === State.Running) hooks.status({ type: 'engine-running', httpPort: plan.httpPort });
  });
  client.registerFeature(progressToStatus(client, hooks.status));
  return client;
}

/**
 * Registered after the client's own progress feature, so its `window/workDoneProgress/create`
 * handler replaces the built-in one (which would pop a notification on every scan): the status
 * bar shows indexing instead.
 */
function progressToStatus(client: LanguageClient, status: (event: StatusEvent) => void): StaticFeature {
  return {
    fillClientCapabilities: (capabilities) => {
      capabilities.window = { ...capabilities.window, workDoneProgress: true };
    },
    initialize: () => {
      client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
        const key = String(token);
        const listening = client.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === 'begin') status({ type: 'progress-begin', token: key, title: value.title, ...(value.percentage !== undefined ? { percentage: value.percentage } : {}), ...(value.message ? { message: value.message } : {}) });
          else if (value.kind === 'report') status({ type: 'progress-report', token: key, ...(value.percentage !== undefined ? { percentage: value.percentage } : {}), ...(value.message ? { message: value.message } : {}) });
          else {
            status({ type: 'progress-end', token: key });
            listening.dispose();
          }
        });
      });
    },
    getState: () => ({ kind: 'static' }),
    clear: () => undefined,
  };
}
