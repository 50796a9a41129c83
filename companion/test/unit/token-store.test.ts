import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/http/api-error';
import { TokenStore } from '../../src/tokens/token-store';

const noSaveError = (err: Error) => assert.fail(err);

describe('TokenStore', () => {
  it('keeps only a hash of the secret, on disk with mode 0600, and finds tokens by secret after a reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    const store = new TokenStore(dir, noSaveError);
    const { secret, token } = store.create('alice', { dailyTokenQuota: 100 });
    assert.match(secret, /^rts-[\w-]{32}$/);
    await store.flush();
    const text = readFileSync(join(dir, 'tokens.json'), 'utf8');
    assert.ok(!text.includes(secret), 'the secret itself is never written');
    assert.equal(statSync(join(dir, 'tokens.json')).mode & 0o777, 0o600);
    const again = new TokenStore(dir, noSaveError);
    assert.equal(again.find(secret)?.id, token.id);
    assert.equal(again.find(secret)?.dailyTokenQuota, 100);
    assert.equal(again.find('rts-wrong'), undefined);
  });

  it('refuses a token past its daily quota with 429 and Retry-After until UTC midnight, then allows it the next day', () => {
    let now = new Date('2026-11-22T23:00:00Z');
    const store = new TokenStore(mkdtempSync(join(tmpdir(), 'tokens-')), noSaveError, () => now);
    const { secret } = store.create('bob', { dailyTokenQuota: 50 });
    const t = store.find(secret)!;
    store.reserve(t, 30).settle(30);
    // Spending more than was held is still charged in full: usage is what was spent.
    store.reserve(t, 20).settle(30);
    assert.throws(() => store.reserve(t, 1), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'insufficient_quota');
      assert.equal(err.headers['retry-after'], '3600');
      assert.match(err.message, /daily quota of 50 tokens/);
      return true;
    });
    now = new Date('2026-11-23T00:00:01Z');
    store.reserve(t, 50).release();
    const [view] = store.list();
    assert.equal(view?.usage.dayTokens, 0);
    assert.equal(view?.usage.totalTokens, 60);
    assert.equal(view?.usage.requests, 2);
  });

  it('applies the monthly quota across days', () => {
    let now = new Date('2026-11-01T10:00:00Z');
    const store = new TokenStore(mkdtempSync(join(tmpdir(), 'tokens-')), noSaveError, () => now);
    const t = store.find(store.create('carol', { monthlyTokenQuota: 10 }).secret)!;
    store.reserve(t, 6).settle(6);
    now = new Date('2026-11-02T10:00:00Z');
    store.reserve(t, 4).settle(4);
    assert.throws(() => store.reserve(t, 1), /monthly quota of 10 tokens/);
    now = new Date('2026-12-01T00:00:00Z');
    store.reserve(t, 10).release();
  });

  it('holds what requests in flight may spend, so together they never pass the quota', () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), 'tokens-')), noSaveError);
    const t = store.find(store.create('dora', { dailyTokenQuota: 100, monthlyTokenQuota: 1000 }).secret)!;
    const a = store.reserve(t, 40);
    const b = store.reserve(t, 40);
    assert.equal(store.heldFor(t), 80);
    assert.throws(() => store.reserve(t, 40), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'insufficient_quota');
      assert.match(err.message, /20 tokens left of its daily quota of 100 \(80 held by requests in flight\).*up to 40/);
      // It would fit once those requests settle: worth retrying soon.
      assert.equal(err.headers['retry-after'], '1');
      return true;
    });
    // Released twice, freed once.
    a.release();
    a.release();
    assert.equal(store.heldFor(t), 40);
    // Settling charges what was spent and frees the rest of the hold.
    b.settle(10);
    assert.equal(store.heldFor(t), 0);
    assert.equal(store.list()[0]?.usage.dayTokens, 10);
    store.reserve(t, 90).settle(90);
    assert.throws(() => store.reserve(t, 1), /used its daily quota of 100 tokens/);
  });

  it('refuses a request that alone may spend more than the quota, and holds nothing for it', () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), 'tokens-')), noSaveError);
    const t = store.find(store.create('ed', { monthlyTokenQuota: 100 }).secret)!;
    assert.throws(() => store.reserve(t, 101), /monthly quota of 100.*send a smaller max_tokens/);
    assert.equal(store.heldFor(t), 0);
    store.reserve(t, 100).release();
  });

  it('updates limits, revokes, and refuses bad names and limits with clear errors', () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), 'tokens-')), noSaveError);
    const { secret, token } = store.create('dave', {});
    assert.throws(() => store.create('dave', {}), /exists already/);
    assert.throws(() => store.create(' ', {}), /needs a "name"/);
    assert.throws(() => store.update(token.id, { dailyTokenQuota: -1 }), /whole number/);
    assert.equal(store.update(token.id, { rateLimitPerMinute: 5 }).rateLimitPerMinute, 5);
    store.revoke(token.id);
    assert.equal(store.find(secret), undefined);
    assert.throws(() => store.revoke(token.id), (err: unknown) => err instanceof ApiError && err.status === 404);
  });

  it('names the file when tokens.json is damaged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    writeFileSync(join(dir, 'tokens.json'), '{ not json');
    assert.throws(() => new TokenStore(dir, noSaveError), /cannot read .*tokens\.json/);
  });
});
