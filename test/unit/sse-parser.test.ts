import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from '../../server/core/upstream/sse-parser';

describe('SSE parser', () => {
  it('hands out whole events however the bytes are split, and skips comments', () => {
    const body = ': hb\r\ndata: {"a":1}\r\n\r\nevent: error\ndata: {"b":\ndata: 2}\n\ndata: [DONE]\n\n';
    const bytes = new TextEncoder().encode(body);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...parser.push(bytes.subarray(i, i + size)));
      events.push(...parser.end());
      assert.deepEqual(events, [
        { event: 'message', data: '{"a":1}' },
        { event: 'error', data: '{"b":\n2}' },
        { event: 'message', data: '[DONE]' },
      ], `pieces of ${size} bytes`);
    }
  });

  it('keeps a multi-byte character split across two reads whole', () => {
    const bytes = new TextEncoder().encode('data: {"t":"ü€"}\n\n');
    const parser = new SseParser();
    const events = [...parser.push(bytes.subarray(0, 13)), ...parser.push(bytes.subarray(13))];
    assert.deepEqual(events, [{ event: 'message', data: '{"t":"ü€"}' }]);
  });

  it('counts a last event the server did not end with a blank line', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: 1\n\ndata: 2'), [{ event: 'message', data: '1' }]);
    assert.deepEqual(parser.end(), [{ event: 'message', data: '2' }]);
  });
});

describe('SSE parser on a long line', () => {
  it('reads a 4 MiB line fed in 4 KiB pieces whole', () => {
    const parser = new SseParser();
    const piece = 'x'.repeat(4096);
    assert.deepEqual(parser.push('data: '), []);
    for (let i = 0; i < 1024; i++) assert.deepEqual(parser.push(piece), []);
    assert.deepEqual(parser.push('\n\n'), [{ event: 'message', data: 'x'.repeat(4096 * 1024) }]);
  });
});
