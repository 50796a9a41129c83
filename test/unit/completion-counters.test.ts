import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LazyCounters } from '../../server/services/completion/counters';
import type { TokenCounts, TokenizerResolution, TokenizerService } from '../../server/services/tokenizer-service';

/**
 * A tokenizer service whose pool fails on demand (fault injection): exact counts are one token per
 * character, the estimate is the service's 3.5 characters per token.
 */
function flakyService() {
  const state = { failNext: 0, calls: [] as string[][] };
  const service = {
    resolve: async (): Promise<TokenizerResolution> => ({ exact: true, tokenizer: 'hf://test/exact', count: { kind: 'tiktoken', encoding: 'cl100k_base' } }),
    countMany: async (_model: string, texts: string[]): Promise<TokenCounts> => {
      state.calls.push(texts);
      if (state.failNext > 0) {
        state.failNext--;
        return { counts: texts.map((t) => Math.ceil(t.length / 3.5)), exact: false, tokenizer: 'estimate', reason: 'counting with hf://test/exact failed (timeout): task timed out' };
      }
      return { counts: texts.map((t) => t.length), exact: true, tokenizer: 'hf://test/exact' };
    },
  };
  return { state, make: async () => service as unknown as TokenizerService };
}

describe('completion token counters', () => {
  it('remembers exact counts, so a text is counted by the service once', async () => {
    const { state, make } = flakyService();
    const counters = new LazyCounters(make);
    assert.deepEqual(await (await counters.counterFor('m')).count(['abcdefg', 'xy']), [7, 2]);
    const again = await counters.counterFor('m');
    assert.deepEqual(await again.count(['abcdefg', 'xy']), [7, 2]);
    assert.equal(again.exact, true);
    assert.deepEqual(state.calls, [['abcdefg', 'xy']]);
  });

  it('never remembers an estimate, and reports it as not exact with the reason', async () => {
    const { state, make } = flakyService();
    const counters = new LazyCounters(make);
    const warm = await counters.counterFor('m');
    assert.deepEqual(await warm.count(['known line']), [10]);

    state.failNext = 1;
    const failed = await counters.counterFor('m');
    // The remembered line stays exact; the new one is the estimate.
    assert.deepEqual(await failed.count(['known line', 'abcdefg']), [10, 2]);
    assert.equal(failed.exact, false);
    assert.match(failed.reason ?? '', /timed out/);
    assert.equal(failed.name, 'estimate');

    const next = await counters.counterFor('m');
    assert.deepEqual(await next.count(['abcdefg']), [7], 'the estimate was remembered as an exact count');
    assert.equal(next.exact, true);
    assert.equal(next.name, 'hf://test/exact');
  });
});
