import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveWindow, fitHistory, replyReserve, turnStarts, type FitItem } from '../../server/core/chat/history-fit';

const sys = (tokens: number): FitItem => ({ kind: 'system', tokens });
const user = (tokens: number): FitItem => ({ kind: 'user', tokens });
const other = (tokens: number): FitItem => ({ kind: 'other', tokens });
const ctx = (tokens: number, compressedTokens = 10): FitItem => ({ kind: 'context', tokens, compressedTokens });

describe('history fitting', () => {
  it('keeps everything that fits', () => {
    const plan = fitHistory([sys(100), user(50), other(50)], { budget: 200 });
    assert.deepEqual(plan.decisions, ['keep', 'keep', 'keep']);
    assert.equal(plan.total, 200);
    assert.equal(plan.fits, true);
  });

  it('starts a turn at the context attached before its user message', () => {
    assert.deepEqual(turnStarts([sys(1), ctx(5), ctx(5), user(1), other(1), ctx(5), user(1)]), [1, 5]);
  });

  it('shortens old context files first, oldest first, and stops once it fits', () => {
    const items = [sys(100), ctx(500), user(20), other(50), ctx(400), user(20), other(30), ctx(300), user(20)];
    const plan = fitHistory(items, { budget: 1300 });
    assert.deepEqual(plan.decisions, ['keep', 'compress', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep']);
    assert.equal(plan.total, 950);
    assert.equal(plan.compressed, 1);
  });

  it('then drops whole old turns, never a tool call without its answer', () => {
    const items = [sys(100), user(200), other(300), other(300), user(100), other(100), ctx(200), user(50)];
    const plan = fitHistory(items, { budget: 700 });
    // The first turn (user, assistant with tool call, tool answer) goes as one; the second stays.
    assert.deepEqual(plan.decisions, ['keep', 'drop', 'drop', 'drop', 'keep', 'keep', 'keep', 'keep']);
    assert.equal(plan.dropped, 3);
    assert.equal(plan.total, 550);
  });

  it('without compression only drops', () => {
    const plan = fitHistory([sys(10), ctx(500), user(10), ctx(50), user(10)], { budget: 100, compress: false });
    assert.deepEqual(plan.decisions, ['keep', 'drop', 'drop', 'keep', 'keep']);
  });

  it('shrinks the current turn\'s own context last, largest first, and says when even that does not fit', () => {
    const items = [sys(100), ctx(3000, 20), ctx(1000, 20), user(50)];
    const plan = fitHistory(items, { budget: 1200 });
    assert.deepEqual(plan.decisions, ['keep', 'compress', 'keep', 'keep']);
    assert.equal(plan.fits, true);
    const tight = fitHistory([sys(100), ctx(3000, 20), user(500)], { budget: 200 });
    assert.deepEqual(tight.decisions, ['keep', 'drop', 'keep']);
    assert.equal(tight.fits, false);
    assert.equal(tight.total, 600);
  });

  it('shortens an agent\'s tool results in the current turn, oldest first, and never leaves one out', () => {
    const tool = (tokens: number): FitItem => ({ kind: 'other', tokens, compressedTokens: 50 });
    const items = [sys(100), user(50), other(20), tool(2000), other(20), tool(2000), other(20), tool(500)];
    const plan = fitHistory(items, { budget: 3000 });
    assert.deepEqual(plan.decisions, ['keep', 'keep', 'keep', 'compress', 'keep', 'keep', 'keep', 'keep']);
    const tight = fitHistory(items, { budget: 100 });
    assert.deepEqual(tight.decisions, ['keep', 'keep', 'keep', 'compress', 'keep', 'compress', 'keep', 'compress']);
    assert.equal(tight.dropped, 0);
    assert.equal(tight.fits, false);
  });

  it('shortens old tool results before it drops old turns', () => {
    const items = [sys(10), user(10), other(10), { kind: 'other', tokens: 1000, compressedTokens: 40 } as FitItem, user(10)];
    assert.deepEqual(fitHistory(items, { budget: 200 }).decisions, ['keep', 'keep', 'keep', 'compress', 'keep']);
  });

  it('sizes the window and the reply reserve as Refact does', () => {
    assert.equal(effectiveWindow(32768, null), 32768);
    assert.equal(effectiveWindow(32768, 8000), 8000);
    assert.equal(effectiveWindow(0, null), 8192);
    assert.equal(replyReserve(32768), 4096);
    assert.equal(replyReserve(4096), 1024);
  });
});
