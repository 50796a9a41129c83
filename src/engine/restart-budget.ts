/**
 * How often a crashed engine is started again: at most `maxRestarts` within `windowMs`, then
 * the extension stops trying and says so once. Pure: times are passed in.
 */
export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 3,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** A crash at `nowMs`: true if the engine may be restarted. */
  crashed(nowMs: number): boolean {
    this.crashes = this.crashes.filter((at) => nowMs - at < this.windowMs);
    this.crashes.push(nowMs);
    return this.crashes.length <= this.maxRestarts;
  }

  /** A restart the user asked for starts with a full budget. */
  reset(): void {
    this.crashes = [];
  }
}
