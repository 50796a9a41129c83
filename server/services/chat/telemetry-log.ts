/**
 * Chat and network telemetry that Refact's clients post: accepted so the clients are content,
 * kept in memory for this process only (the last few hundred records), and never sent anywhere.
 */
const KEEP = 500;

export class TelemetryLog {
  private readonly records: Array<{ kind: string; at: string; body: unknown }> = [];

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  add(kind: 'chat' | 'network', body: unknown): void {
    this.records.push({ kind, at: this.now(), body });
    if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP);
  }

  count(kind?: 'chat' | 'network'): number {
    return kind ? this.records.filter((r) => r.kind === kind).length : this.records.length;
  }
}
