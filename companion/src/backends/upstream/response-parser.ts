/**
 * An incremental parser of HTTP/1.1 responses, fed the bytes of one connection as they come.
 * It knows only what a client of OpenAI-compatible servers needs: the status, the content
 * type, and where the body ends (content-length, chunked, or the connection's close), which
 * decides whether the connection can carry the next request. Pure: no sockets, no timers.
 */
export interface ResponseHead {
  status: number;
  contentType: string;
}

export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /** The message is complete; `reusable` when the connection may carry another request. */
  onEnd(reusable: boolean): void;
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

/** A response head larger than this is refused rather than buffered without end. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

export class ResponseParser {
  private state = State.Done;
  /** Bytes of an unfinished head or line, kept until the rest arrives. */
  private pending: Buffer | null = null;
  private remaining = 0;
  private keepAlive = false;
  private noBody = false;

  constructor(private readonly sink: ResponseSink) {}

  /** Readies the parser for the answer to a new request; a HEAD answer has no body. */
  expect(method: string): void {
    this.state = State.Head;
    this.pending = null;
    this.noBody = method === 'HEAD';
  }

  /** True while an answer is expected and nothing of it has arrived yet. */
  get untouched(): boolean {
    return this.state === State.Head && this.pending === null;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Feeds bytes; throws on a malformed response. Bytes after a complete message are an error. */
  execute(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      switch (this.state) {
        case State.Head:
          at = this.head(data, at);
          break;
        case State.Length:
          at = this.bodyBytes(data, at);
          if (this.remaining === 0) this.finish(this.keepAlive);
          break;
        case State.ChunkSize: {
          const line = this.line(data, at);
          if (line === null) return;
          at = line.next;
          const hex = line.text.split(';', 1)[0]!.trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Error(`bad chunk size "${line.text.slice(0, 80)}"`);
          const size = parseInt(hex, 16);
          if (size === 0) this.state = State.Trailers;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData:
          at = this.bodyBytes(data, at);
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        case State.ChunkEnd: {
          const line = this.line(data, at);
          if (line === null) return;
          if (line.text !== '') throw new Error('chunk data longer than its size');
          at = line.next;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const line = this.line(data, at);
          if (line === null) return;
          at = line.next;
          if (line.text === '') this.finish(this.keepAlive);
          break;
        }
        case State.UntilClose:
          this.sink.onBody(at === 0 ? data : data.subarray(at));
          return;
        case State.Done:
          throw new Error('bytes after the end of a response');
      }
    }
  }

  /** The server closed the connection: completes a body that runs until close; else the answer was cut. */
  eof(): boolean {
    if (this.state !== State.UntilClose) return this.state === State.Done;
    this.finish(false);
    return true;
  }

  /** Passes on up to `remaining` body bytes from `at`; returns where it stopped. */
  private bodyBytes(data: Buffer, at: number): number {
    const n = Math.min(this.remaining, data.length - at);
    this.sink.onBody(data.subarray(at, at + n));
    this.remaining -= n;
    return at + n;
  }

  private finish(reusable: boolean): void {
    this.state = State.Done;
    this.pending = null;
    this.sink.onEnd(reusable);
  }

  /** Takes one CRLF-terminated line, joining it with bytes kept from before; null when incomplete. */
  private line(data: Buffer, at: number): { text: string; next: number } | null {
    return this.until(data, at, CRLF, 'line too long in a chunked body');
  }

  /** Takes bytes up to `end` (which is consumed too) as latin1 text, or keeps them and answers null. */
  private until(data: Buffer, at: number, end: Buffer, tooLong: string): { text: string; next: number } | null {
    const buf = this.pending ? Buffer.concat([this.pending, data.subarray(at)]) : data;
    const from = this.pending ? 0 : at;
    const found = buf.indexOf(end, from);
    if (found < 0) {
      if (buf.length - from > MAX_HEAD_BYTES) throw new Error(tooLong);
      this.pending = Buffer.from(buf.subarray(from));
      return null;
    }
    const kept = this.pending ? this.pending.length : 0;
    this.pending = null;
    return { text: buf.toString('latin1', from, found), next: at + (found + end.length - from - kept) };
  }

  private head(data: Buffer, at: number): number {
    const block = this.until(data, at, HEAD_END, 'response head too large');
    if (block === null) return data.length;
    const next = block.next;
    const lines = block.text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new Error(`not an HTTP/1 response: "${(lines[0] ?? '').slice(0, 80)}"`);
    const status = Number(m[2]);
    let contentType = 'application/json';
    let length = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i]!;
      const colon = l.indexOf(':');
      if (colon <= 0) throw new Error(`bad header line "${l.slice(0, 80)}"`);
      const name = l.slice(0, colon).trim().toLowerCase();
      const value = l.slice(colon + 1).trim();
      if (name === 'content-type') contentType = value;
      else if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length >= 0 && Number(value) !== length)) throw new Error(`bad content-length "${value}"`);
        length = Number(value);
      } else if (name === 'transfer-encoding') chunked = /(^|,)\s*chunked\s*$/i.test(value);
      else if (name === 'connection') connection += `${value.toLowerCase()},`;
    }
    // 1xx answers are interim (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Error('the upstream switched protocols');
      return next;
    }
    this.keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    this.sink.onHead({ status, contentType });
    if (this.noBody || status === 204 || status === 304) this.finish(this.keepAlive);
    else if (chunked) this.state = State.ChunkSize;
    else if (length >= 0) {
      this.remaining = length;
      if (length === 0) this.finish(this.keepAlive);
      else this.state = State.Length;
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
    return next;
  }
}
