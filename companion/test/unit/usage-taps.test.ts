import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { SseUsageTap } from '../../src/backends/upstream/usage-taps';
import { UsageMeter } from '../../src/backends/upstream/usage';

/** Runs `pieces` through a tap; returns what came out and the one usage reported at the close. */
async function tap(pieces: Buffer[], hideUsage: boolean, promptChars = 8): Promise<{ out: string; usage: Array<[number, number]> }> {
  const usage: Array<[number, number]> = [];
  const meter = new UsageMeter((p, c) => usage.push([p, c]), promptChars);
  const t = new SseUsageTap(meter, hideUsage);
  const out: Buffer[] = [];
  t.on('data', (c: Buffer) => out.push(Buffer.from(c)));
  await new Promise<void>((resolve, reject) => {
    t.on('end', resolve);
    t.on('error', reject);
    Readable.from(pieces).pipe(t);
  });
  meter.report();
  return { out: Buffer.concat(out).toString('utf8'), usage };
}

/** The whole text, and every cut of it in two: an event split across reads must not change anything. */
function splits(text: string): Buffer[][] {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[][] = [[all]];
  for (let i = 1; i < all.length; i++) out.push([all.subarray(0, i), all.subarray(i)]);
  return out;
}

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const usage = { prompt_tokens: 30, completion_tokens: 2, total_tokens: 32 };

describe('SSE usage tap', () => {
  it('passes a stream through byte for byte and reads its usage, however it is split', async () => {
    const stream = ev({ choices: [{ delta: { content: 'hé' } }], usage: null }) + ev({ choices: [], usage }) + 'data: [DONE]\n\n';
    for (const pieces of splits(stream)) {
      assert.deepEqual(await tap(pieces, false), { out: stream, usage: [[30, 2]] });
    }
  });

  it('hides the usage it asked for: the usage-only chunk and each "usage":null', async () => {
    const withUsage = ev({ id: 1, choices: [{ text: 'ab' }], usage: null }) + 'data: {"usage": null, "id": 2, "choices": [{"text": "cd"}]}\n\n' + ev({ id: 3, choices: [], usage }) + 'data: [DONE]\n\n';
    const plain = ev({ id: 1, choices: [{ text: 'ab' }] }) + ev({ id: 2, choices: [{ text: 'cd' }] }) + 'data: [DONE]\n\n';
    for (const pieces of splits(withUsage)) assert.deepEqual(await tap(pieces, true), { out: plain, usage: [[30, 2]] });
  });

  it('estimates from the text seen when no usage comes: prompt and generated characters over 4', async () => {
    const stream = ev({ choices: [{ text: 'abcde' }, { text: 'fgh' }] }) + ev({ choices: [{ delta: { content: 'x', tool_calls: [{ function: { name: 'f', arguments: '{}' } }] } }] });
    assert.deepEqual((await tap([Buffer.from(stream)], true, 9)).usage, [[3, 3]]);
  });

  it('leaves alone what it cannot read: CRLF events, multi-line data, comments and a last event without its blank line', async () => {
    const stream = ': keep-alive\r\n\r\ndata: {"choices":\r\ndata: [{"text": "abcd"}]}\r\n\r\nevent: x\ndata: not json\n\ndata: {"choices": [{"text": "efgh"}]}';
    assert.deepEqual(await tap([Buffer.from(stream)], true), { out: stream, usage: [[2, 2]] });
  });
});

describe('usage meter', () => {
  const cases: Array<[string, (m: UsageMeter) => void, Array<[number, number]>]> = [
    [
      'prefers the upstream usage over the estimate',
      (m) => {
        m.saw({ choices: [{ text: 'abcdefgh' }], usage });
        m.report();
      },
      [[30, 2]],
    ],
    [
      'estimates from the characters when there is no usage',
      (m) => {
        m.saw({ choices: [{ message: { content: 'abcdefgh', reasoning_content: 'ijkl' } }] });
        m.report();
      },
      [[2, 3]],
    ],
    ['charges nothing when nothing was spent', (m) => m.nothingSpent(), [[0, 0]]],
    [
      'reports once, however often it is told',
      (m) => {
        m.report();
        m.nothingSpent();
        m.report();
      },
      [[2, 0]],
    ],
  ];
  for (const [name, act, expected] of cases) {
    it(name, () => {
      const calls: Array<[number, number]> = [];
      act(new UsageMeter((p, c) => calls.push([p, c]), 5));
      assert.deepEqual(calls, expected);
    });
  }
});
