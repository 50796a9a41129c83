import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_HF_TOKENIZER_TEMPLATE, emptyCapsInfo, emptyDefaults, newChatModel, newCompletionModel, type Caps } from '../../server/core/caps/model';
import { capsModelTokenizer } from '../../server/core/tokens/caps-tokenizer';
import { estimateTokens, safeCacheName, tiktokenForModel, tokenizerSpec } from '../../server/core/tokens/tokenizer-spec';
import { looksLikeRanks } from '../../server/core/tokens/rank-file';
import { count, countWithRanks, countWithTokenizer, probeRanks, probeTokenizer } from '../../server/workers/count';
import { llama3TokenizerJsonPath, writeCl100kRankFile, writeLlama3RankFile } from '../helpers/rank-files';
import { writeTinyTokenizer } from '../helpers/tiny-tokenizer';

const spec = (tokenizer: string, name = 'acme/coder') => tokenizerSpec({ name, tokenizer, apiKey: 'k' }, DEFAULT_HF_TOKENIZER_TEMPLATE);

describe('tokenizer choice (pure)', () => {
  it('picks the tiktoken encoding of OpenAI-family names, with provider prefixes and fine-tunes', () => {
    const table: Record<string, string | null> = {
      'gpt-4o': 'o200k_base', 'openai/gpt-4o-mini': 'o200k_base', 'gpt-4.1-nano': 'o200k_base', o1: 'o200k_base', 'o3-mini': 'o200k_base', 'gpt-5': 'o200k_base',
      'gpt-4': 'cl100k_base', 'gpt-4-turbo': 'cl100k_base', 'gpt-3.5-turbo:my-lora': 'cl100k_base', 'text-embedding-3-small': 'cl100k_base',
      'gpt-4oops': null, ollama: null, 'qwen2.5/coder/1.5b/base': null, 'claude-3-5-sonnet': null, o10: null,
    };
    assert.deepEqual(Object.fromEntries(Object.keys(table).map((name) => [name, tiktokenForModel(name)])), table);
  });

  it('reads the tokenizer field: encodings, hf://, URLs, paths, fake and empty', () => {
    assert.deepEqual(spec('cl100k_base'), { kind: 'tiktoken', encoding: 'cl100k_base' });
    assert.deepEqual(spec('tiktoken:o200k_base'), { kind: 'tiktoken', encoding: 'o200k_base' });
    assert.deepEqual(spec('hf://Xenova/gpt-4o', 'openai/gpt-4o'), { kind: 'tiktoken', encoding: 'o200k_base' });
    assert.deepEqual(spec('hf://Qwen/Qwen2.5-Coder-1.5B'), {
      kind: 'download', url: 'https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B/resolve/main/tokenizer.json', cacheName: 'Qwen--Qwen2.5-Coder-1.5B', apiKey: 'k', source: 'hf://Qwen/Qwen2.5-Coder-1.5B',
    });
    const url = spec('http://127.0.0.1:8008/tokenizer/qwen2.5--coder--1.5b--base');
    assert.equal(url.kind, 'download');
    assert.match((url as { cacheName: string }).cacheName, /^127.0.0.1_8008--tokenizer--qwen2.5--coder--1.5b--base-[0-9a-f]{10}$/);
    assert.deepEqual(spec('/models/t/tokenizer.json'), { kind: 'file', path: '/models/t/tokenizer.json' });
    assert.deepEqual(spec('file:///models/my%20t/tokenizer.json'), { kind: 'file', path: '/models/my t/tokenizer.json' });
    assert.equal(spec('fake').kind, 'estimate');
    assert.match((spec('') as { reason: string }).reason, /no tokenizer configured/);
    assert.match((spec('hf://just-a-name') as { reason: string }).reason, /not hf:\/\/org\/repo/);
  });

  it('makes safe cache names and estimates 3.5 characters per token', () => {
    assert.equal(safeCacheName('org/repo'), 'org--repo');
    assert.equal(safeCacheName('../../etc'), '_--..--etc');
    assert.equal(safeCacheName('a b:c'), 'a_b_c');
    assert.deepEqual(['', 'abc', 'abcd', 'x'.repeat(35)].map(estimateTokens), [0, 1, 2, 10]);
  });

  it('finds a model in the caps by id, fine-tune, name or similar model', () => {
    const chat = Object.assign(newChatModel('qwen'), { id: 'local/qwen', tokenizer: 'hf://Qwen/Q', tokenizer_api_key: 'hf_x', similar_models: ['qwen-big'] });
    const completion = Object.assign(newCompletionModel('starcoder'), { id: 'local/starcoder', tokenizer: '/t.json' });
    const caps: Caps = { ...emptyCapsInfo(), chat_models: new Map([[chat.id, chat]]), completion_models: new Map([[completion.id, completion]]), embedding_model: null, defaults: emptyDefaults() };
    const found = { name: 'qwen', tokenizer: 'hf://Qwen/Q', apiKey: 'hf_x' };
    assert.deepEqual(['local/qwen', 'local/qwen:lora', 'qwen', 'qwen-big'].map((id) => capsModelTokenizer(caps, id)), [found, found, found, found]);
    assert.equal(capsModelTokenizer(caps, 'local/starcoder')?.tokenizer, '/t.json');
    assert.equal(capsModelTokenizer(caps, 'nobody'), null);
  });
});

describe('count task with a tokenizer.json (called directly)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-tok-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts without special tokens, and probes the vocabulary', () => {
    const file = writeTinyTokenizer(dir);
    assert.deepEqual(countWithTokenizer({ file, hash: 'h1', texts: ['hello', 'hell', 'oh', 'hello world', 'xyz', ''] }), { counts: [1, 1, 2, 6, 3, 0] });
    assert.deepEqual(probeTokenizer({ file, hash: 'h1' }), { vocabSize: 13 });
  });

  it('throws on a file that is not a tokenizer', () => {
    assert.throws(() => probeTokenizer({ file: join(dir, 'missing.json'), hash: 'x' }));
  });
});

describe('tiktoken rank files (count task called directly)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rank-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const code = ['def f(x):\n    return x + 1\n', 'const a = { b: [1, 2, 3] };\n', '   \n\n\tindented();\n', 'naïve café – “quotes” 😀\n', ''];

  it('counts with cl100k_base.tiktoken exactly as the built-in cl100k encoding', async () => {
    const file = join(dir, 'cl100k_base.tiktoken');
    await writeCl100kRankFile(file);
    assert.ok(looksLikeRanks(readFileSync(file, 'utf8')));
    assert.deepEqual(await probeRanks({ file, hash: 'a' }), { vocabSize: 100256 });
    assert.deepEqual(await countWithRanks({ file, hash: 'a', texts: code }), await count({ encoding: 'cl100k_base', texts: code }));
  });

  it('counts with a Llama-3-style tokenizer.model exactly as Llama 3\'s tokenizer.json', async () => {
    const file = join(dir, 'tokenizer.model');
    writeLlama3RankFile(file);
    const input = { file: llama3TokenizerJsonPath(), hash: 'h' };
    assert.deepEqual(await probeRanks({ file, hash: 'b' }), { vocabSize: 128000 });
    const source = readFileSync(join(__dirname, '..', '..', 'server', 'core', 'completion', 'prompt.ts'), 'utf8');
    const texts = [...code, source, ...source.split('\n')];
    assert.deepEqual(await countWithRanks({ file, hash: 'b', texts }), countWithTokenizer({ ...input, texts }));
  });

  it('refuses a file that is not a rank file, naming the bad line', async () => {
    const file = join(dir, 'bad.tiktoken');
    writeFileSync(file, 'IQ== 0\nnot base64 at all\n');
    assert.equal(looksLikeRanks('IQ== 0\nnot base64\n'), false);
    assert.equal(looksLikeRanks('{"model": {}}'), false);
    await assert.rejects(probeRanks({ file, hash: 'c' }), /not a tiktoken rank file \(line 2/);
  });
});
