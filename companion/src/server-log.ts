/**
 * The server's log: lines go to stderr and into a ring the admin UI shows. Prompts are never
 * logged. Owned by the composition root.
 */
export class ServerLog {
  private readonly lines: string[] = [];

  constructor(private readonly sink: (line: string) => void = (l) => process.stderr.write(l + '\n'), private readonly keep = 500) {}

  private add(level: string, msg: string): void {
    const line = `${new Date().toISOString()} ${level} ${msg}`;
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    this.sink(line);
  }

  info(msg: string): void {
    this.add('INFO', msg);
  }

  warn(msg: string): void {
    this.add('WARN', msg);
  }

  error(msg: string): void {
    this.add('ERROR', msg);
  }

  tail(n = 200): string[] {
    return this.lines.slice(-n);
  }
}
