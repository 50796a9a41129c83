import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, encode } from '../../server/workers/count';

describe('count task (called directly)', () => {
  it('counts cl100k_base tokens like tiktoken', async () => {
    assert.deepEqual(await encode({ encoding: 'cl100k_base', text: 'hello world' }), { tokens: [15339, 1917] });
    const code = 'def f(x):\n    return x\n';
    const { tokens } = await encode({ encoding: 'cl100k_base', text: code });
    assert.deepEqual(await count({ encoding: 'cl100k_base', texts: ['hello world', '', code] }), { counts: [2, 0, tokens.length] });
  });

  it('counts o200k_base tokens, and special-token text as plain text', async () => {
    assert.deepEqual(await count({ encoding: 'o200k_base', texts: ['hello world'] }), { counts: [2] });
    const { counts } = await count({ encoding: 'cl100k_base', texts: ['a <|endoftext|> b'] });
    assert.ok(counts[0]! > 3);
  });

  it('refuses an unknown encoding', async () => {
    await assert.rejects(count({ encoding: 'nope' as never, texts: ['x'] }), /unknown encoding/);
  });
});
