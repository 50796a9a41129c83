/**
 * What the status bar item says, as a pure reducer over the events the extension sees (engine
 * start and failure, caps, `$/progress` from the engine's indexing, completion requests, the
 * pause switch, the active file's privacy, the index file limits) and a view of the state. The
 * view picks the one thing most worth knowing: a failure first, then what blocks completions,
 * then what is happening, then "ready".
 */

export type EngineState = { kind: 'starting'; xDebug: boolean } | { kind: 'running'; httpPort: number } | { kind: 'unreachable'; reason: string } | { kind: 'crashed'; reason: string };

export interface IndexProgress {
  title: string;
  percentage: number | null;
  message: string;
}

export interface StatusState {
  engine: EngineState;
  /** null until caps were read once. */
  caps: { ok: true; completionModel: string } | { ok: false; reason: string } | null;
  /** The model the user picked; '' = the caps' default. */
  chosenModel: string;
  /** `$/progress` tokens in flight. */
  progress: Record<string, IndexProgress>;
  inFlight: number;
  paused: boolean;
  /** The active file is one privacy rules keep from any model. */
  privacyBlocked: boolean;
  astLimitHit: boolean;
  vecdbLimitHit: boolean;
  /** The model that answered last, and the last request's error, if it failed. */
  lastModel: string;
  lastError: string;
  /** The last answered request: the debounce wait before it and the engine's answer time. */
  lastTiming: { waitMs: number; engineMs: number } | null;
}

export type StatusEvent =
  | { type: 'engine-starting'; xDebug: boolean }
  | { type: 'engine-running'; httpPort: number }
  | { type: 'engine-unreachable'; reason: string }
  | { type: 'engine-crashed'; reason: string }
  | { type: 'caps-loaded'; completionModel: string }
  | { type: 'caps-failed'; reason: string }
  | { type: 'model-chosen'; model: string }
  | { type: 'progress-begin'; token: string; title: string; percentage?: number; message?: string }
  | { type: 'progress-report'; token: string; percentage?: number; message?: string }
  | { type: 'progress-end'; token: string }
  | { type: 'request-start' }
  | { type: 'request-end'; model?: string; error?: string; waitMs?: number; engineMs?: number }
  | { type: 'paused'; paused: boolean }
  | { type: 'privacy'; blocked: boolean }
  | { type: 'index-limits'; ast: boolean; vecdb: boolean };

export function initialStatus(options: { paused: boolean; xDebug: boolean; chosenModel?: string }): StatusState {
  return {
    engine: { kind: 'starting', xDebug: options.xDebug },
    caps: null,
    chosenModel: options.chosenModel ?? '',
    progress: {},
    inFlight: 0,
    paused: options.paused,
    privacyBlocked: false,
    astLimitHit: false,
    vecdbLimitHit: false,
    lastModel: '',
    lastError: '',
    lastTiming: null,
  };
}

export function reduceStatus(state: StatusState, event: StatusEvent): StatusState {
  switch (event.type) {
    case 'engine-starting':
      // A new engine session: what the old one said no longer holds.
      return { ...state, engine: { kind: 'starting', xDebug: event.xDebug }, caps: null, progress: {}, inFlight: 0, lastError: '' };
    case 'engine-running':
      return { ...state, engine: { kind: 'running', httpPort: event.httpPort } };
    case 'engine-unreachable':
      return { ...state, engine: { kind: 'unreachable', reason: event.reason }, progress: {}, inFlight: 0 };
    case 'engine-crashed':
      return { ...state, engine: { kind: 'crashed', reason: event.reason }, progress: {}, inFlight: 0 };
    case 'caps-loaded':
      return { ...state, caps: { ok: true, completionModel: event.completionModel } };
    case 'caps-failed':
      return { ...state, caps: { ok: false, reason: event.reason } };
    case 'model-chosen':
      return { ...state, chosenModel: event.model };
    case 'progress-begin':
      return { ...state, progress: { ...state.progress, [event.token]: { title: event.title, percentage: event.percentage ?? null, message: event.message ?? '' } } };
    case 'progress-report': {
      const current = state.progress[event.token];
      if (!current) return state;
      const next = { ...current, percentage: event.percentage ?? current.percentage, message: event.message ?? current.message };
      return { ...state, progress: { ...state.progress, [event.token]: next } };
    }
    case 'progress-end': {
      if (!(event.token in state.progress)) return state;
      const { [event.token]: _ended, ...rest } = state.progress;
      return { ...state, progress: rest };
    }
    case 'request-start':
      return { ...state, inFlight: state.inFlight + 1 };
    case 'request-end':
      return {
        ...state,
        inFlight: Math.max(0, state.inFlight - 1),
        lastModel: event.model || state.lastModel,
        lastError: event.error ?? '',
        lastTiming: event.waitMs !== undefined && event.engineMs !== undefined ? { waitMs: event.waitMs, engineMs: event.engineMs } : state.lastTiming,
      };
    case 'paused':
      return { ...state, paused: event.paused };
    case 'privacy':
      return { ...state, privacyBlocked: event.blocked };
    case 'index-limits':
      return { ...state, astLimitHit: event.ast, vecdbLimitHit: event.vecdb };
  }
}

export type StatusKind = 'starting' | 'unreachable' | 'crashed' | 'caps-failed' | 'privacy' | 'paused' | 'busy' | 'indexing' | 'limit' | 'ready';

export interface StatusView {
  kind: StatusKind;
  /** Status bar text with a codicon. */
  text: string;
  tooltip: string;
  /** Background: errors red, warnings yellow, else none. */
  severity: 'error' | 'warning' | null;
}

const NAME = 'Refact TS';

/** The model completions use: the user's pick, else the caps' default. */
export function completionModel(state: StatusState): string {
  return state.chosenModel || (state.caps?.ok ? state.caps.completionModel : '');
}

export function statusView(state: StatusState): StatusView {
  const e = state.engine;
  if (e.kind === 'crashed') return { kind: 'crashed', text: `$(error) ${NAME}`, tooltip: `The engine stopped: ${e.reason}. Click for options.`, severity: 'error' };
  if (e.kind === 'unreachable') return { kind: 'unreachable', text: `$(debug-disconnect) ${NAME}`, tooltip: `Engine unreachable: ${e.reason}`, severity: 'warning' };
  if (e.kind === 'starting') return { kind: 'starting', text: `$(sync~spin) ${NAME}`, tooltip: e.xDebug ? 'Connecting to the engine on 127.0.0.1:8001 (xDebug)' : 'Engine starting', severity: null };
  const port = `Engine running (HTTP 127.0.0.1:${e.httpPort})`;
  if (state.caps && !state.caps.ok) return { kind: 'caps-failed', text: `$(warning) ${NAME}: no models`, tooltip: `${port}. Cannot read the models from the server: ${state.caps.reason}`, severity: 'error' };
  const model = completionModel(state);
  const modelLine = model ? `Completion model: ${model}` : 'No completion model yet';
  if (state.privacyBlocked) return { kind: 'privacy', text: `$(lock) ${NAME}`, tooltip: `${port}. This file is private (privacy rules): nothing from it is sent to a model.`, severity: null };
  if (state.paused) return { kind: 'paused', text: `$(debug-pause) ${NAME}: paused`, tooltip: `${port}. Completion is paused; click to resume. ${modelLine}`, severity: null };
  if (state.inFlight > 0) return { kind: 'busy', text: `$(loading~spin) ${model || NAME}`, tooltip: `${port}. Asking ${model || 'the model'} for a completion`, severity: null };
  const progress = Object.values(state.progress)[0];
  if (progress) {
    const pct = progress.percentage === null ? '' : ` ${progress.percentage}%`;
    return { kind: 'indexing', text: `$(sync~spin) ${NAME}: indexing${pct}`, tooltip: `${port}. ${progress.title}${progress.message ? `: ${progress.message}` : ''}. ${modelLine}`, severity: null };
  }
  const timing = state.lastTiming ? ` Last completion: ${state.lastTiming.engineMs} ms from the engine after a ${state.lastTiming.waitMs} ms wait.` : '';
  const errorLine = (state.lastError ? ` Last request failed: ${state.lastError}` : '') + timing;
  if (state.astLimitHit || state.vecdbLimitHit) {
    const which = [state.astLimitHit ? 'AST' : '', state.vecdbLimitHit ? 'VecDB' : ''].filter(Boolean).join(' and ');
    return { kind: 'limit', text: `$(warning) ${model || NAME}`, tooltip: `${port}. ${which} file limit hit: part of the workspace is not indexed; raise the limit in the settings. ${modelLine}.${errorLine}`, severity: 'warning' };
  }
  if (!state.caps) return { kind: 'starting', text: `$(sync~spin) ${NAME}`, tooltip: `${port}. Reading the models from the server`, severity: null };
  return { kind: 'ready', text: `$(check) ${model || NAME}`, tooltip: `${port}. ${modelLine}.${errorLine}`, severity: null };
}
