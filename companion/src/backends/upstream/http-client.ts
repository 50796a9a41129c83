import net from 'node:net';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { ResponseParser, type ResponseHead, type ResponseSink } from './response-parser';

/**
 * A keep-alive HTTP/1.1 client for upstream calls, on sockets of its own. Every proxied
 * request pays this client's cost, and node:http's ClientRequest, Agent and IncomingMessage
 * cost more than the proxy's whole remaining work: this one writes each request in one call,
 * parses answers with `ResponseParser`, and hands the body on as a plain Readable.
 */
export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: Readable;
}

export type Method = 'GET' | 'POST';

/**
 * Idle connections close after this long: below the 5 s keep-alive of uvicorn (vLLM) and of
 * Node servers, so a request is rarely written to a socket that its server is closing.
 */
const IDLE_MS = 4000;

/** One upstream base URL: where to connect and the header lines every request to it carries. */
interface Origin {
  host: string;
  port: number;
  secure: boolean;
  prefix: string;
  headers: string;
  idle: Connection[];
}

/** A request from the write until its answer's head, or its failure; settles its promise once. */
class Exchange {
  conn: Connection | null = null;
  body: UpstreamBody | null = null;
  settled = false;
  retried = false;
  readonly timer: NodeJS.Timeout;

  constructor(
    readonly origin: Origin,
    readonly method: Method,
    readonly path: string,
    readonly payload: string | Buffer | null,
    readonly signal: AbortSignal,
    private readonly resolve: (res: UpstreamResponse) => void,
    private readonly reject: (err: unknown) => void,
    timeoutMs: number,
  ) {
    // Only the wait for the head is bounded: a long generation may stream for minutes.
    this.timer = setTimeout(giveUp, timeoutMs, this, timeoutMs);
    signal.addEventListener('abort', this);
  }

  /** The signal's listener: the caller went away, so the connection and its request go too. */
  handleEvent(): void {
    this.cancel(this.signal.reason);
  }

  cancel(err: unknown): void {
    if (this.settled) return;
    const conn = this.conn;
    if (conn?.exchange === this) {
      conn.exchange = null;
      conn.socket.destroy();
    }
    this.fail(err);
  }

  answered(head: ResponseHead, body: UpstreamBody): void {
    this.body = body;
    this.settle();
    this.resolve({ status: head.status, contentType: head.contentType, body });
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.signal.removeEventListener('abort', this);
  }
}

function giveUp(ex: Exchange, timeoutMs: number): void {
  ex.cancel(new Error(`no response within ${timeoutMs} ms`));
}

/** An answer's body; destroying it before its end closes the connection, which cannot be reused then. */
class UpstreamBody extends Readable {
  complete = false;

  constructor(private readonly conn: Connection) {
    super();
  }

  override _read(): void {
    if (!this.complete && this.conn.exchange?.body === this) this.conn.socket.resume();
  }

  override _destroy(err: Error | null, callback: (err: Error | null) => void): void {
    if (!this.complete && this.conn.exchange?.body === this) {
      this.conn.exchange = null;
      this.conn.socket.destroy();
    }
    callback(err);
  }
}

/** One socket to an origin, carrying one request at a time. */
class Connection implements ResponseSink {
  readonly socket: net.Socket;
  readonly parser = new ResponseParser(this);
  exchange: Exchange | null = null;
  /** Whether it served a request before: a failure before any answer byte may be a stale socket. */
  reused = false;
  private closed = false;

  constructor(
    private readonly client: HttpClient,
    readonly origin: Origin,
  ) {
    const { host, port } = origin;
    const s = origin.secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] }) : net.connect({ host, port });
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    // An inactivity timer that matters only while idle; a long silent generation is not idle.
    s.setTimeout(IDLE_MS);
    s.on('timeout', () => {
      if (this.exchange === null) s.destroy();
    });
    s.on('data', (d: Buffer) => this.onData(d));
    s.on('error', (err) => this.onClose(err));
    s.on('close', () => this.onClose(null));
    this.socket = s;
  }

  send(ex: Exchange): void {
    ex.conn = this;
    this.exchange = ex;
    this.parser.expect(ex.method);
    const { origin, payload } = ex;
    const socket = this.socket;
    const head = `${ex.method} ${origin.prefix}${ex.path} HTTP/1.1\r\n${origin.headers}`;
    if (payload === null) socket.write(`${head}\r\n`, 'latin1');
    else if (typeof payload === 'string') socket.write(`${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
    else {
      socket.cork();
      socket.write(`${head}content-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`, 'latin1');
      socket.write(payload);
      socket.uncork();
    }
  }

  onHead(head: ResponseHead): void {
    this.exchange?.answered(head, new UpstreamBody(this));
  }

  onBody(chunk: Buffer): void {
    if (this.exchange?.body?.push(chunk) === false) this.socket.pause();
  }

  onEnd(reusable: boolean): void {
    const body = this.exchange?.body;
    this.exchange = null;
    if (body) {
      body.complete = true;
      body.push(null);
    }
    if (reusable && !this.closed) this.client.release(this);
    else this.socket.destroy();
  }

  private onData(d: Buffer): void {
    if (this.exchange === null) {
      // An idle connection has nothing to say; whatever it sent cannot be trusted.
      this.socket.destroy();
      return;
    }
    try {
      this.parser.execute(d);
    } catch (err) {
      this.onClose(err as Error);
      this.socket.destroy();
    }
  }

  private onClose(err: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.client.forget(this);
    const ex = this.exchange;
    if (ex === null) return;
    if (ex.body === null) {
      this.exchange = null;
      // A reused socket that dies before any answer byte was most likely closed by its server
      // while idle: one more try on a fresh connection tells a stale socket from a dead server.
      if (this.reused && this.parser.untouched && !ex.retried && !ex.settled) {
        ex.retried = true;
        this.client.start(ex, true);
      } else ex.fail(err ?? new Error('the upstream closed the connection before answering'));
      return;
    }
    if (this.parser.eof()) return;
    this.exchange = null;
    ex.body.destroy(err ?? new Error('the upstream closed the connection mid-answer'));
  }
}

export class HttpClient {
  private readonly origins = new Map<string, Origin>();
  private readonly open = new Set<Connection>();

  constructor(private readonly apiKey: string | null) {}

  /**
   * Sends one request to `base` (an upstream URL, possibly with a path prefix) + `path` and
   * resolves at the answer's head. `signal` cancels until then; afterwards, destroying the
   * body does.
   */
  request(method: Method, base: string, path: string, payload: string | Buffer | null, signal: AbortSignal, timeoutMs: number): Promise<UpstreamResponse> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const origin = this.origins.get(base) ?? this.addOrigin(base);
    const safePath = /^[\x21-\x7e]*$/.test(path) ? path : encodeURI(path);
    return new Promise((resolve, reject) => this.start(new Exchange(origin, method, safePath, payload, signal, resolve, reject, timeoutMs), false));
  }

  async json(method: Method, base: string, path: string, payload: string | null, signal: AbortSignal, timeoutMs: number): Promise<{ status: number; data: unknown }> {
    const res = await this.request(method, base, path, payload, signal, timeoutMs);
    const onAbort = () => res.body.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort);
    try {
      if (signal.aborted) onAbort();
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        return { status: res.status, data: JSON.parse(text) };
      } catch {
        return { status: res.status, data: text };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    for (const conn of this.open) conn.socket.destroy();
    for (const origin of this.origins.values()) origin.idle.length = 0;
  }

  /** @internal Puts an exchange on an idle connection of its origin, or on a new one. */
  start(ex: Exchange, fresh: boolean): void {
    let conn = fresh ? undefined : ex.origin.idle.pop();
    if (conn) {
      conn.reused = true;
      conn.socket.ref();
    } else {
      conn = new Connection(this, ex.origin);
      this.open.add(conn);
    }
    conn.send(ex);
  }

  /** @internal A connection finished its answer and may carry the next request. */
  release(conn: Connection): void {
    // Idle sockets must not keep the process alive, and one paused by a slow reader must flow again.
    conn.socket.unref();
    if (conn.socket.isPaused()) conn.socket.resume();
    conn.origin.idle.push(conn);
  }

  /** @internal A connection closed. */
  forget(conn: Connection): void {
    this.open.delete(conn);
    const i = conn.origin.idle.indexOf(conn);
    if (i >= 0) conn.origin.idle.splice(i, 1);
  }

  private addOrigin(base: string): Origin {
    const u = new URL(base);
    const secure = u.protocol === 'https:';
    const auth = this.apiKey ? `Bearer ${this.apiKey}` : u.username ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : null;
    const origin: Origin = {
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(u.port) || (secure ? 443 : 80),
      secure,
      prefix: u.pathname.replace(/\/+$/, ''),
      headers: `host: ${u.host}\r\naccept: application/json, text/event-stream\r\n${auth ? `authorization: ${auth}\r\n` : ''}`,
      idle: [],
    };
    this.origins.set(base, origin);
    return origin;
  }
}
