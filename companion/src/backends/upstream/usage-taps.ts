import { Transform, type TransformCallback } from 'node:stream';
import type { UsageMeter } from './usage';

/**
 * Streams between an upstream's answer and the client that show what passes to a usage
 * meter. They exist only for callers with a quota: without one the answer is piped untouched.
 */

/** Passes a JSON answer through and shows it, parsed, to the meter at its end. */
export class JsonUsageTap extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly meter: UsageMeter) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.chunks.push(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.meter.saw(JSON.parse(Buffer.concat(this.chunks).toString('utf8')) as object);
    } catch {
      // Not JSON: the meter estimates from the prompt alone.
    }
    callback();
  }
}

/**
 * Passes an upstream's SSE stream through event by event, byte for byte, and shows each
 * `data:` JSON to a usage meter. With `hideUsage` (the server, not the client, asked for
 * `stream_options.include_usage`), the usage-only chunk is dropped and a `"usage":null`
 * field is taken out of the other chunks, so the client sees the stream it asked for.
 */
export class SseUsageTap extends Transform {
  /** Bytes of an event whose end has not arrived yet. */
  private rest: Buffer | null = null;

  constructor(
    private readonly meter: UsageMeter,
    private readonly hideUsage: boolean,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const end = eventEnd(buf, at);
      if (end === null) break;
      this.event(buf.subarray(at, end.next), end.at);
      at = end.next;
    }
    this.rest = at < buf.length ? Buffer.from(buf.subarray(at)) : null;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A last event without its blank line still belongs to the client.
    if (this.rest) this.event(this.rest, this.rest.length);
    this.rest = null;
    callback();
  }

  /** One event: `bytes` with its terminator, `dataEnd` where its lines end. */
  private event(bytes: Buffer, dataEnd: number): void {
    const data = dataOf(bytes.toString('utf8', 0, dataEnd));
    const parsed = data === null ? null : chunkOf(data);
    if (parsed === null) {
      this.push(bytes);
      return;
    }
    this.meter.saw(parsed);
    if (!this.hideUsage || !('usage' in parsed)) {
      this.push(bytes);
      return;
    }
    // The usage-only chunk exists because we asked for it.
    if (parsed.usage !== null && Array.isArray(parsed.choices) && parsed.choices.length === 0) return;
    if (parsed.usage === null) {
      // Cut out textually when it is the compact last field, so the rest stays byte for byte.
      const compact = (data as string).replace(/,"usage":null}$/, '}');
      this.push(`data: ${compact !== data ? compact : JSON.stringify({ ...parsed, usage: undefined })}\n\n`);
      return;
    }
    this.push(bytes);
  }
}

interface Chunk {
  choices?: unknown;
  usage?: unknown;
}

/** The JSON object of a `data:` payload; null for `[DONE]` or anything else that is not one. */
function chunkOf(data: string): Chunk | null {
  if (data === '[DONE]') return null;
  try {
    const v = JSON.parse(data) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Chunk) : null;
  } catch {
    return null;
  }
}

/** Where the event starting at `from` ends (a blank line, LF or CRLF), or null when it has not yet. */
function eventEnd(buf: Buffer, from: number): { at: number; next: number } | null {
  const lf = buf.indexOf('\n\n', from);
  const crlf = buf.indexOf('\r\n\r\n', from);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, next: crlf + 4 };
  return lf >= 0 ? { at: lf, next: lf + 2 } : null;
}

/** The joined `data:` lines of an event, or null when it has none. */
function dataOf(event: string): string | null {
  let data: string | null = null;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}
