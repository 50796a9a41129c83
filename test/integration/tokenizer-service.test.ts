import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emptyCapsInfo, emptyDefaults, newChatModel, type Caps } from '../../server/core/caps/model';
import { createHttpGet } from '../../server/services/http-get';
import { TokenizerService, type CapsSource } from '../../server/services/tokenizer-service';
import { WorkerPool } from '../../server/services/worker-pool';
import { startCapsServer, type CapsServer } from '../helpers/caps-server';
import { llama3TokenizerJsonPath, writeCl100kRankFile, writeLlama3RankFile } from '../helpers/rank-files';
import { tinyTokenizerJson, writeTinyTokenizer } from '../helpers/tiny-tokenizer';
import { countWithTokenizer } from '../../server/workers/count';

// Counting runs in real piscina threads, from sources (workers inherit the tsx loader). A local
// HTTP server stands in for Hugging Face and for the companion's /tokenizer/{model}.
const COUNT = join(__dirname, '..', '..', 'server', 'workers', 'count.ts');
const TEXTS = ['hello', 'hello world', 'xyz'];
const TINY_COUNTS = [1, 6, 3];

function capsWith(models: Record<string, { tokenizer: string; key?: string }>): CapsSource {
  const chat = Object.entries(models).map(([id, m]) => Object.assign(newChatModel(id.split('/').pop()!), { id, tokenizer: m.tokenizer, tokenizer_api_key: m.key ?? '' }));
  const caps: Caps = { ...emptyCapsInfo(), chat_models: new Map(chat.map((m) => [m.id, m])), completion_models: new Map(), embedding_model: null, defaults: emptyDefaults() };
  return { getCaps: async () => ({ ok: true, caps }) };
}

describe('tokenizer service (real pool, local HTTP server)', () => {
  let pool: WorkerPool;
  let server: CapsServer;
  let dir: string;
  let localFile: string;
  const hits = (path: string) => server.requests.filter((r) => r.path === path).length;

  before(async () => {
    pool = new WorkerPool({ workersDir: '', moduleFile: () => COUNT, threads: 2 });
    server = await startCapsServer();
    dir = mkdtempSync(join(tmpdir(), 'tokenizer-service-'));
    localFile = writeTinyTokenizer(join(dir, 'local'));
    server.route('/acme/tiny/resolve/main/tokenizer.json', tinyTokenizerJson());
    server.route('/tokenizer/private', tinyTokenizerJson());
    server.route('/garbage/repo/resolve/main/tokenizer.json', '<html>not a tokenizer</html>');
    server.route('/broken/repo/resolve/main/tokenizer.json', { model: { type: 'NoSuchModel' } });
  });
  after(async () => {
    await pool.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function service(caps: CapsSource, now?: () => number): TokenizerService {
    return new TokenizerService({ pool, cacheDir: join(dir, 'cache'), caps, fetch: createHttpGet({ insecure: false }), hfTemplate: `${server.url}/$HF_MODEL/resolve/main/tokenizer.json`, now });
  }

  it('counts OpenAI-family models with tiktoken, in the caps or not', async () => {
    const tokenizers = service(capsWith({ 'openai/gpt-4o': { tokenizer: 'hf://Xenova/gpt-4o' } }));
    assert.deepEqual(await tokenizers.count('openai/gpt-4o', 'hello world'), { count: 2, exact: true, tokenizer: 'tiktoken:o200k_base' });
    assert.deepEqual(await tokenizers.count('gpt-3.5-turbo', 'hello world'), { count: 2, exact: true, tokenizer: 'tiktoken:cl100k_base' });
    assert.deepEqual(await tokenizers.countMany('gpt-4', ['hello world', '', 'hello']), { counts: [2, 0, 1], exact: true, tokenizer: 'tiktoken:cl100k_base' });
    assert.equal(server.requests.length, 0);
  });

  it('counts with a tokenizer.json given by path, through the pool', async () => {
    const tokenizers = service(capsWith({ 'local/tiny': { tokenizer: localFile } }));
    assert.deepEqual(await tokenizers.countMany('local/tiny', TEXTS), { counts: TINY_COUNTS, exact: true, tokenizer: localFile });
  });

  it('downloads hf://org/repo once into the cache, then serves it from there without the server', async () => {
    const caps = capsWith({ 'acme/tiny': { tokenizer: 'hf://acme/tiny', key: 'hf_secret' } });
    const first = service(caps);
    assert.deepEqual(await first.countMany('acme/tiny', TEXTS), { counts: TINY_COUNTS, exact: true, tokenizer: 'hf://acme/tiny' });
    assert.deepEqual(await first.countMany('acme/tiny', ['hell']), { counts: [1], exact: true, tokenizer: 'hf://acme/tiny' });
    const cached = join(dir, 'cache', 'tokenizers', 'acme--tiny', 'tokenizer.json');
    assert.deepEqual(JSON.parse(readFileSync(cached, 'utf8')), tinyTokenizerJson());
    assert.equal(hits('/acme/tiny/resolve/main/tokenizer.json'), 1);
    assert.equal(server.requests.find((r) => r.path === '/acme/tiny/resolve/main/tokenizer.json')?.headers.authorization, 'Bearer hf_secret');
    // A new engine (nothing in memory) finds the file on disk.
    const second = service(caps);
    assert.deepEqual(await second.countMany('acme/tiny', TEXTS), { counts: TINY_COUNTS, exact: true, tokenizer: 'hf://acme/tiny' });
    assert.equal(hits('/acme/tiny/resolve/main/tokenizer.json'), 1);
  });

  it('uses a caps tokenizer endpoint (the companion /tokenizer/{model}) with the caps key', async () => {
    const url = `${server.url}/tokenizer/private`;
    const tokenizers = service(capsWith({ 'refact_self_hosted/private': { tokenizer: url, key: 'caps-key' } }));
    assert.deepEqual(await tokenizers.countMany('refact_self_hosted/private', TEXTS), { counts: TINY_COUNTS, exact: true, tokenizer: url });
    assert.equal(server.requests.find((r) => r.path === '/tokenizer/private')?.headers.authorization, 'Bearer caps-key');
  });

  it('counts with tiktoken rank files by path and by URL (cl100k_base.tiktoken, a Llama-3-style tokenizer.model)', async () => {
    const cl100k = join(dir, 'ranks', 'cl100k_base.tiktoken');
    const llama3 = join(dir, 'ranks', 'tokenizer.model');
    mkdirSync(join(dir, 'ranks'), { recursive: true });
    await writeCl100kRankFile(cl100k);
    writeLlama3RankFile(llama3);
    server.route('/meta/llama3/tokenizer.model', readFileSync(llama3, 'utf8'));
    const url = `${server.url}/meta/llama3/tokenizer.model`;
    const tokenizers = service(capsWith({ 'acme/cl100k-coder': { tokenizer: cl100k }, 'acme/llama3-coder': { tokenizer: url } }));
    const code = ['def f(x):\n    return x + 1\n', 'hello world'];
    const expected = await tokenizers.countMany('gpt-4', code);
    assert.deepEqual(await tokenizers.countMany('acme/cl100k-coder', code), { counts: expected.counts, exact: true, tokenizer: cl100k });
    const viaJson = countWithTokenizer({ file: llama3TokenizerJsonPath(), hash: 'x', texts: code });
    assert.deepEqual(await tokenizers.countMany('acme/llama3-coder', code), { counts: viaJson.counts, exact: true, tokenizer: url });
    assert.ok(existsSync(join(dir, 'cache', 'tokenizers')), 'the download is cached');
    // A second service finds the cached rank file without the server.
    const before = hits('/meta/llama3/tokenizer.model');
    assert.deepEqual((await service(capsWith({ 'acme/llama3-coder': { tokenizer: url } })).countMany('acme/llama3-coder', code)).counts, viaJson.counts);
    assert.equal(hits('/meta/llama3/tokenizer.model'), before);
  });

  it('counts the same in this thread (countInThread) as in the pool, for every kind of tokenizer', async () => {
    const cl100k = join(dir, 'ranks', 'cl100k_base.tiktoken');
    if (!existsSync(cl100k)) {
      mkdirSync(join(dir, 'ranks'), { recursive: true });
      await writeCl100kRankFile(cl100k);
    }
    const caps = capsWith({ 'local/tiny': { tokenizer: localFile }, 'acme/cl100k-coder': { tokenizer: cl100k } });
    const inThread = new TokenizerService({ pool, cacheDir: join(dir, 'cache'), caps, fetch: createHttpGet({ insecure: false }), countInThread: COUNT });
    const pooled = service(caps);
    const code = ['def f(x):\n    return x + 1\n', 'hello world', ''];
    for (const model of ['local/tiny', 'acme/cl100k-coder', 'gpt-4o']) {
      assert.deepEqual(await inThread.countMany(model, code), await pooled.countMany(model, code), model);
      assert.equal((await inThread.countMany(model, code)).exact, true, model);
    }
  });

  it('falls back to the flagged estimate for a 404, garbage, a tokenizer that does not load, a missing file', async () => {
    const tokenizers = service(capsWith({
      'x/missing': { tokenizer: 'hf://nobody/missing' },
      'x/garbage': { tokenizer: 'hf://garbage/repo' },
      'x/broken': { tokenizer: 'hf://broken/repo' },
      'x/nofile': { tokenizer: join(dir, 'nope', 'tokenizer.json') },
    }));
    const reasons: Record<string, RegExp> = { 'x/missing': /HTTP 404/, 'x/garbage': /did not answer with a tokenizer\.json/, 'x/broken': /does not load/, 'x/nofile': /cannot read/ };
    for (const [model, reason] of Object.entries(reasons)) {
      const result = await tokenizers.count(model, 'abcdefg');
      assert.equal(result.count, 2, model);
      assert.equal(result.exact, false, model);
      assert.equal(result.tokenizer, 'estimate', model);
      assert.match(result.reason ?? '', reason, model);
    }
    // Nothing broken is left in the cache to be trusted later.
    assert.equal(existsSync(join(dir, 'cache', 'tokenizers', 'broken--repo', 'tokenizer.json')), false);
    assert.equal(existsSync(join(dir, 'cache', 'tokenizers', 'garbage--repo')), false);
  });

  it('estimates, flagged, for an unknown model, a model without tokenizer, and when caps are down', async () => {
    const tokenizers = service(capsWith({ 'x/plain': { tokenizer: '' }, 'x/fake': { tokenizer: 'fake' } }));
    assert.deepEqual(await tokenizers.count('nobody/knows', 'abcdefg'), { count: 2, exact: false, tokenizer: 'estimate', reason: "model 'nobody/knows' is not in the caps" });
    assert.match((await tokenizers.count('x/plain', 'abc')).reason ?? '', /no tokenizer configured/);
    assert.match((await tokenizers.count('x/fake', 'abc')).reason ?? '', /'fake' tokenizer/);
    const down = service({ getCaps: async () => ({ ok: false, detail: 'caps server is down' }) });
    assert.match((await down.count('qwen', 'abc')).reason ?? '', /caps are unavailable: caps server is down/);
    assert.equal((await down.count('gpt-4o', 'hello world')).exact, true);
  });

  it('remembers a failure for a while, then tries again', async () => {
    let now = 0;
    const tokenizers = service(capsWith({ 'x/later': { tokenizer: 'hf://later/repo' } }), () => now);
    const path = '/later/repo/resolve/main/tokenizer.json';
    assert.equal((await tokenizers.count('x/later', 'hello')).exact, false);
    assert.equal((await tokenizers.count('x/later', 'hello')).exact, false);
    assert.equal(hits(path), 1);
    server.route(path, tinyTokenizerJson());
    now = 61_000;
    assert.deepEqual(await tokenizers.count('x/later', 'hello'), { count: 1, exact: true, tokenizer: 'hf://later/repo' });
    assert.equal(hits(path), 2);
  });
});
