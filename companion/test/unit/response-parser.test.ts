import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseParser, type ResponseHead } from '../../src/backends/upstream/response-parser';

interface Seen {
  heads: ResponseHead[];
  body: string;
  ends: boolean[];
}

/** Feeds `pieces` in order, then an end of connection when `eof`; returns what the sink saw. */
function parse(pieces: Buffer[], opts: { method?: string; eof?: boolean } = {}): Seen {
  const seen: Seen = { heads: [], body: '', ends: [] };
  const body: Buffer[] = [];
  const parser = new ResponseParser({
    onHead: (h) => seen.heads.push(h),
    // Copied: a piece may be a view of a buffer the caller reuses.
    onBody: (c) => body.push(Buffer.from(c)),
    onEnd: (reusable) => seen.ends.push(reusable),
  });
  parser.expect(opts.method ?? 'POST');
  for (const p of pieces) parser.execute(p);
  if (opts.eof) parser.eof();
  seen.body = Buffer.concat(body).toString('utf8');
  return seen;
}

/** Every way to cut `text` in two, and one byte at a time: framing must not depend on reads. */
function splits(text: string): Buffer[][] {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[][] = [[all], [...all].map((b) => Buffer.from([b]))];
  for (let i = 1; i < all.length; i++) out.push([all.subarray(0, i), all.subarray(i)]);
  return out;
}

const json = '{"id":"x","choices":[{"text":"héllo"}]}';
const sse = 'data: {"choices":[{"text":"a"}]}\n\ndata: [DONE]\n\n';
const chunked = (parts: string[], tail = '0\r\n\r\n') => parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + tail;

const cases: Array<{ name: string; wire: string; method?: string; eof?: boolean; status: number; contentType?: string; body: string; reusable: boolean }> = [
  {
    name: 'content-length body',
    wire: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    status: 200,
    contentType: 'application/json',
    body: json,
    reusable: true,
  },
  {
    name: 'chunked SSE with an extension and trailers',
    wire: `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n${chunked([sse.slice(0, 20), sse.slice(20)], '0;final=1\r\nX-Trailer: t\r\n\r\n').replace('\r\n', ';ext=1\r\n')}`,
    status: 200,
    contentType: 'text/event-stream',
    body: sse,
    reusable: true,
  },
  {
    name: 'a body that runs until the connection closes',
    wire: `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n${sse}`,
    eof: true,
    status: 200,
    contentType: 'text/event-stream',
    body: sse,
    reusable: false,
  },
  {
    name: 'an interim 100 Continue before the answer',
    wire: `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok`,
    status: 201,
    body: 'ok',
    reusable: true,
  },
  { name: '204 without a body', wire: 'HTTP/1.1 204 No Content\r\n\r\n', status: 204, body: '', reusable: true },
  { name: 'a HEAD answer without a body', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', method: 'HEAD', status: 200, body: '', reusable: true },
  { name: 'Connection: close', wire: 'HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx', status: 500, body: 'x', reusable: false },
  { name: 'HTTP/1.0 without keep-alive', wire: 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', status: 200, body: 'x', reusable: false },
  { name: 'HTTP/1.0 with keep-alive', wire: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx', status: 200, body: 'x', reusable: true },
  { name: 'a zero content-length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', status: 200, body: '', reusable: true },
];

describe('ResponseParser', () => {
  for (const c of cases) {
    it(`frames ${c.name} however the bytes are split`, () => {
      for (const pieces of splits(c.wire)) {
        const seen = parse(pieces, { method: c.method, eof: c.eof });
        assert.equal(seen.heads.length, 1);
        assert.equal(seen.heads[0]?.status, c.status);
        if (c.contentType) assert.equal(seen.heads[0]?.contentType, c.contentType);
        assert.equal(seen.body, c.body);
        assert.deepEqual(seen.ends, [c.reusable]);
      }
    });
  }

  it('parses the next answer on the same connection after expect()', () => {
    const seen: string[] = [];
    const parser = new ResponseParser({ onHead: (h) => seen.push(`head ${h.status}`), onBody: (c) => seen.push(c.toString()), onEnd: (r) => seen.push(`end ${r}`) });
    for (const status of [200, 404]) {
      parser.expect('POST');
      assert.equal(parser.untouched, true);
      parser.execute(Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: 1\r\n\r\n`));
      assert.equal(parser.untouched, false);
      parser.execute(Buffer.from('z'));
      assert.equal(parser.done, true);
    }
    assert.deepEqual(seen, ['head 200', 'z', 'end true', 'head 404', 'z', 'end true']);
  });

  it('reports a body cut short by the close as incomplete', () => {
    const parser = new ResponseParser({ onHead: () => {}, onBody: () => {}, onEnd: () => assert.fail('not complete') });
    parser.expect('POST');
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    assert.equal(parser.eof(), false);
  });

  const malformed: Array<[string, string]> = [
    ['a status line that is not HTTP/1', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n'],
    ['content-lengths that disagree', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['bytes after a complete answer', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy'],
    ['a switch of protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
  ];
  for (const [name, wire] of malformed) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parse([Buffer.from(wire)]));
    });
  }

  it('refuses a head that never ends', () => {
    const parser = new ResponseParser({ onHead: () => {}, onBody: () => {}, onEnd: () => {} });
    parser.expect('GET');
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.execute(Buffer.from(`x-filler-${i}: ${'a'.repeat(1000)}\r\n`));
    }, /too large/);
  });
});
