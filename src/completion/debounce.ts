/**
 * How long to wait after a keystroke before asking the engine for a completion. Pure: the
 * caller passes times in, so the policy is tested without a clock.
 *
 * The idea combines Tabby's typing-speed-aware debounce with Cody's "start of line goes at
 * once": a request fired while the user is mid-burst is usually wasted (the next keystroke
 * cancels it), so while they type we wait a little longer than their usual gap between keys;
 * at a line start, or when they paused, the next key is unlikely to come soon and we ask at
 * once. Part of the model's latency overlaps the wait: a slow model gets asked a bit sooner,
 * since its answer arrives later anyway.
 */

export interface DebounceOptions {
  /** Gaps between keystrokes remembered (a sliding window). */
  gapWindow: number;
  /** Model latencies remembered. */
  latencyWindow: number;
  /** A gap at least this long, or this many times the usual gap, is a pause, not typing. */
  pauseFloorMs: number;
  pauseGapFactor: number;
  /** Typing delay = usual gap × this factor (1.5: cover the next keystroke with some slack). */
  typingGapFactor: number;
  /** The share of the model's average latency taken off the typing delay. */
  latencyShare: number;
  /** Bounds of the typing delay. */
  minTypingMs: number;
  maxTypingMs: number;
  /** Assumed gap before any keystroke was seen (about 60 words per minute). */
  defaultGapMs: number;
  /** Gaps longer than this are not typing at all (the user went away); they are not learned. */
  maxLearnedGapMs: number;
  /** A request this soon after the last keystroke was triggered by it. */
  keystrokeFreshMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = {
  gapWindow: 30,
  latencyWindow: 10,
  pauseFloorMs: 600,
  pauseGapFactor: 3,
  typingGapFactor: 1.5,
  latencyShare: 0.25,
  minTypingMs: 40,
  maxTypingMs: 500,
  defaultGapMs: 200,
  maxLearnedGapMs: 2000,
  keystrokeFreshMs: 100,
};

export type DebounceReason = 'line-start' | 'pause' | 'first-key' | 'typing' | 'manual';

export interface DebounceDecision {
  delayMs: number;
  reason: DebounceReason;
}

export interface DebounceQuery {
  /** When the keystroke that triggered this request happened. */
  nowMs: number;
  /** The text of the cursor's line left of the cursor. */
  linePrefix: string;
  /** A manual (Alt+Space) request: never delayed. */
  manual?: boolean;
}

export class DebouncePolicy {
  private readonly gaps: number[] = [];
  private readonly latencies: number[] = [];
  private lastKeyMs: number | null = null;
  private previousGapMs: number | null = null;

  constructor(private readonly options: DebounceOptions = DEFAULT_DEBOUNCE) {}

  /** A keystroke (a text change the user typed) at this time. */
  keystroke(atMs: number): void {
    if (this.lastKeyMs !== null) {
      const gap = atMs - this.lastKeyMs;
      this.previousGapMs = gap;
      if (gap >= 0 && gap <= this.options.maxLearnedGapMs) push(this.gaps, gap, this.options.gapWindow);
    }
    this.lastKeyMs = atMs;
  }

  lastKeystrokeMs(): number | null {
    return this.lastKeyMs;
  }

  freshWindowMs(): number {
    return this.options.keystrokeFreshMs;
  }

  /** How long the engine took to answer one completion request. */
  latency(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) push(this.latencies, ms, this.options.latencyWindow);
  }

  /** The user's usual gap between keystrokes (the median, robust to the odd long gap). */
  usualGapMs(): number {
    return this.gaps.length === 0 ? this.options.defaultGapMs : median(this.gaps);
  }

  averageLatencyMs(): number {
    return this.latencies.length === 0 ? 0 : this.latencies.reduce((a, b) => a + b, 0) / this.latencies.length;
  }

  /** The gap at or above which a keystroke counts as coming after a pause. */
  pauseThresholdMs(): number {
    return Math.max(this.options.pauseFloorMs, this.options.pauseGapFactor * this.usualGapMs());
  }

  decide(query: DebounceQuery): DebounceDecision {
    if (query.manual) return { delayMs: 0, reason: 'manual' };
    if (query.linePrefix.trim() === '') return { delayMs: 0, reason: 'line-start' };
    // The gap that led to this keystroke: the one `keystroke` recorded last, if it was for now.
    const gap = this.lastKeyMs === query.nowMs ? this.previousGapMs : this.lastKeyMs === null ? null : query.nowMs - this.lastKeyMs;
    if (gap === null) return { delayMs: 0, reason: 'first-key' };
    if (gap >= this.pauseThresholdMs()) return { delayMs: 0, reason: 'pause' };
    const o = this.options;
    const wanted = this.usualGapMs() * o.typingGapFactor - this.averageLatencyMs() * o.latencyShare;
    return { delayMs: Math.round(Math.min(o.maxTypingMs, Math.max(o.minTypingMs, wanted))), reason: 'typing' };
  }
}

/**
 * The decision for a request arriving at `nowMs`: one that follows a keystroke closely is
 * judged by that keystroke's gap; one long after the last keystroke (the cursor moved, the
 * user came back) counts as after a pause.
 */
export function decideAt(policy: DebouncePolicy, nowMs: number, linePrefix: string, manual = false): DebounceDecision {
  const lastKey = policy.lastKeystrokeMs();
  const fresh = lastKey !== null && nowMs - lastKey >= 0 && nowMs - lastKey < policy.freshWindowMs();
  return policy.decide({ nowMs: fresh ? lastKey : nowMs, linePrefix, manual });
}

function push(window: number[], value: number, size: number): void {
  window.push(value);
  if (window.length > size) window.shift();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
