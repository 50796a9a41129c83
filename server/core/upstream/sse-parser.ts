/**
 * Server-sent events, as OpenAI-compatible servers stream them: `data:` lines, events ended by a
 * blank line, `:` comments, and a final `data: [DONE]`. Bytes arrive in arbitrary pieces (a
 * line, or even a UTF-8 character, may be split across two reads), so the parser keeps the
 * unfinished tail and hands out whole events only.
 */
export interface SseEvent {
  /** The `event:` field; `message` when the server sent none. */
  event: string;
  /** The `data:` lines of the event joined by newlines. */
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** The unfinished line, in pieces: joined only once its newline comes, so a long line costs its length once. */
  private pending: string[] = [];
  private dataLines: string[] = [];
  private eventName = 'message';

  /** Feed one piece of the body; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    if (!text.includes('\n')) {
      if (text) this.pending.push(text);
      return events;
    }
    const buffer = this.pending.join('') + text;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf('\n', start);
      if (newline < 0) break;
      const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.line(buffer.slice(start, end), events);
      start = newline + 1;
    }
    this.pending = start < buffer.length ? [buffer.slice(start)] : [];
    return events;
  }

  /** The body ended: an event the server did not close with a blank line still counts. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const rest = this.pending.join('') + this.decoder.decode();
    this.pending = [];
    if (rest) this.line(rest.endsWith('\r') ? rest.slice(0, -1) : rest, events);
    this.line('', events);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.dataLines.length > 0) events.push({ event: this.eventName, data: this.dataLines.join('\n') });
      this.dataLines = [];
      this.eventName = 'message';
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment (a heartbeat)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
  }
}
