/**
 * Server-sent event streams to many subscribers: each event is serialized once and written to
 * every open stream. A subscriber that does not read (its socket buffer past `maxBufferedBytes`)
 * stops receiving events instead of growing the engine's memory; when its socket drains, it gets
 * one fresh snapshot and continues from there, which is Refact's rule for lagging subscribers.
 * A `: hb` comment keeps idle streams alive through proxies and tells clients the engine lives.
 */

/** The part of a Node HTTP/1 or HTTP/2 response the fan-out writes to. */
export interface SseTarget {
  write(chunk: string): boolean;
  /** The callback runs once the last bytes are handed to the socket. */
  end(callback?: () => void): void;
  readonly writableLength: number;
  once(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface SseOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
}

export const DEFAULT_SSE_OPTIONS: SseOptions = { heartbeatMs: 15_000, maxBufferedBytes: 1 << 20 };

export function sseFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

class Subscriber {
  private lagging = false;
  /** Bytes of the last resync snapshot still buffered when it was written. */
  private baseline = 0;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly target: SseTarget,
    options: SseOptions,
    private readonly maxBuffered: number,
    /** The frame that brings a lagging subscriber up to date (a snapshot), or null to just resume. */
    private readonly resync: (() => string) | null,
    private readonly onClose: () => void,
  ) {
    this.heartbeat = setInterval(() => this.write(': hb\n\n'), options.heartbeatMs);
    this.heartbeat.unref();
    target.once('close', () => this.close(false));
  }

  send(frame: string): void {
    if (this.lagging || this.closed) return;
    // Lagging means the client left earlier frames unread: a single large frame (a long answer's
    // message_added) is still delivered, and the resync snapshot itself does not count.
    if ((this.target.writableLength ?? 0) <= this.baseline + this.maxBuffered) {
      this.write(frame);
    } else {
      this.lagging = true;
      this.target.once('drain', () => {
        if (this.closed) return;
        this.lagging = false;
        this.baseline = 0;
        if (this.resync) {
          this.write(this.resync());
          this.baseline = this.target.writableLength;
        }
      });
    }
  }

  /** Ends the stream; resolves when its last bytes have left (so a server closing next cannot cut them off). */
  close(end = true): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.heartbeat);
    this.onClose();
    if (!end) return Promise.resolve();
    return new Promise((resolve) => {
      this.target.once('close', resolve);
      this.target.end(resolve);
    });
  }

  private write(chunk: string): void {
    if (!this.closed) this.target.write(chunk);
  }
}

export class SseFanout {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly options: SseOptions = DEFAULT_SSE_OPTIONS) {}

  /** Adds a stream; `first` is written before any later event. Returns a function that closes it. */
  add(target: SseTarget, first: string | null, resync: (() => string) | null): () => void {
    const subscriber: Subscriber = new Subscriber(target, this.options, this.options.maxBufferedBytes, resync, () => this.subscribers.delete(subscriber));
    this.subscribers.add(subscriber);
    if (first !== null) subscriber.send(first);
    return () => void subscriber.close();
  }

  broadcast(frame: string): void {
    for (const subscriber of this.subscribers) subscriber.send(frame);
  }

  get size(): number {
    return this.subscribers.size;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.subscribers].map((subscriber) => subscriber.close()));
  }
}
