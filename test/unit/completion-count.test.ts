import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildFimPrompt, fimFormatFor, MemoCounter, type FimModelInfo } from '../../server/core/completion';
import { countPrompt, prewarmCounts, promptSegments } from '../../server/core/completion/prompt-count';
import { familyCounter } from './completion-real-tokenizers';

const MODELS: Record<string, FimModelInfo> = {
  'qwen2.5-coder': { name: 'qwen2.5/coder/1.5b/base' }, starcoder: { name: 'starcoder2/3b' }, 'deepseek-coder': { name: 'deepseek-coder/1.3b/base' },
  codellama: { name: 'codellama/7b' }, codestral: { name: 'codestral-22b' },
};

/** Real source files: the engine's own completion core and the fixtures' inputs. */
function realFiles(): Array<{ path: string; text: string }> {
  const roots = [join(__dirname, '..', '..', 'server', 'core', 'completion'), join(__dirname, '..', '..', 'server', 'core', 'caps')];
  const files = roots.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)));
  return files.map((path) => ({ path: path.slice(path.indexOf('server/')), text: readFileSync(path, 'utf8') }));
}

/** A fixed pseudo-random sequence, so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('exact prompt counts', () => {
  it('splits prompts into lines, blank lines kept with the line before', () => {
    assert.deepEqual(promptSegments('a\n\n  \nb\nc'), ['a\n\n  \n', 'b\n', 'c']);
    assert.deepEqual(promptSegments('\n\nx'), ['\n\n', 'x']);
  });

  for (const family of Object.keys(MODELS)) {
    it(`${family}: the incremental count equals a full encode, and prompts stay within the limit, at 40 cursor positions`, async () => {
      const counter = familyCounter(family);
      const memo = new MemoCounter(counter);
      const format = fimFormatFor(MODELS[family]!)!;
      const files = realFiles();
      const rnd = lcg(family.length * 7919);
      for (let k = 0; k < 40; k++) {
        const file = files[Math.floor(rnd() * files.length)]!;
        const lines = file.text.split('\n');
        const line = Math.floor(rnd() * lines.length);
        const character = Math.floor(rnd() * ([...lines[line]!].length + 1));
        const other = files[Math.floor(rnd() * files.length)]!;
        const context = [{ path: other.path, text: other.text.split('\n').slice(0, 30).join('\n'), source: 'ast' as const, startLine: 0, endLine: 29 }];
        const nCtx = 300 + Math.floor(rnd() * 1800);
        const fim = await buildFimPrompt({ format, path: file.path, repoName: 'refact-ts', text: file.text, cursor: { line, character }, context, multiline: rnd() < 0.5 }, { nCtx, maxNewTokens: 64 }, memo);
        const whole = counter.whole(fim.prompt);
        assert.equal(fim.tokens, whole, `${file.path}:${line}:${character} n_ctx ${nCtx}`);
        assert.ok(whole <= fim.limit, `${whole} over ${fim.limit} at ${file.path}:${line}:${character}`);
        assert.ok(fim.contextTokens <= fim.contextLimit + 2, `context ${fim.contextTokens} over its budget ${fim.contextLimit}`);
        assert.equal(await countPrompt(fim.prompt, memo), whole);
      }
    });
  }

  it('typing a line keeps the prompt identical up to the cursor line (the server\'s prompt cache holds)', async () => {
    const counter = new MemoCounter(familyCounter('qwen2.5-coder'));
    const format = fimFormatFor(MODELS['qwen2.5-coder']!)!;
    const file = realFiles().find((f) => f.path.endsWith('prompt.ts'))!;
    const lines = file.text.split('\n');
    const at = Math.floor(lines.length / 2);
    const typed = '    const answer = await counter.count([prompt]);';
    let previous: string | null = null;
    let reused = 0;
    for (let n = 0; n <= typed.length; n++) {
      const text = [...lines.slice(0, at), typed.slice(0, n), ...lines.slice(at)].join('\n');
      const fim = await buildFimPrompt({ format, path: file.path, repoName: 'r', text, cursor: { line: at, character: n }, context: [], multiline: false }, { nCtx: 1024, maxNewTokens: 50 }, counter);
      const stable = fim.prompt.slice(0, fim.prompt.indexOf(typed.slice(0, n) + format.suffix));
      if (previous !== null && stable === previous) reused++;
      previous = stable;
    }
    assert.ok(reused / typed.length >= 0.9, `prefix reused on ${reused} of ${typed.length} keystrokes`);
  });

  it('after a prewarm, the first prompt in a file asks the tokenizer only for the pieces around the cursor', async () => {
    const real = familyCounter('qwen2.5-coder');
    const asked = (): { counter: MemoCounter; n: () => number } => {
      let n = 0;
      return { counter: new MemoCounter({ exact: true, count: (texts) => ((n += texts.length), real.count(texts)) }), n: () => n };
    };
    const file = realFiles().find((f) => f.path.endsWith('prompt.ts'))!;
    const format = fimFormatFor(MODELS['qwen2.5-coder']!)!;
    const input = { format, path: file.path, repoName: 'r', text: file.text, cursor: { line: 120, character: 4 }, context: [], multiline: false };
    const cold = asked();
    await buildFimPrompt(input, { nCtx: 2048, maxNewTokens: 64 }, cold.counter);
    const warm = asked();
    await prewarmCounts(file.text, warm.counter);
    const before = warm.n();
    const fim = await buildFimPrompt(input, { nCtx: 2048, maxNewTokens: 64 }, warm.counter);
    assert.equal(fim.tokens, real.whole(fim.prompt));
    assert.ok(cold.n() > 100, `a cold prompt counts many pieces (${cold.n()})`);
    assert.ok(warm.n() - before <= 40, `a prewarmed prompt counted ${warm.n() - before} new pieces`);
  });

  it('the first prompt in a large file counts lines outward from the cursor, in a few batches, only about as far as the window reaches', async () => {
    const real = familyCounter('qwen2.5-coder');
    let lineChars = 0;
    let lineBatches = 0;
    const counter = new MemoCounter({ exact: true, count: (texts) => {
      // Single lines (a trailing newline at most); prompts and neighbour pairs hold more than one.
      const single = texts.filter((t) => !/\n[^]/.test(t));
      lineChars += single.reduce((sum, t) => sum + t.length, 0);
      if (single.length > 8) lineBatches++;
      return real.count(texts);
    } });
    const text = realFiles().map((f) => f.text).join('\n');
    const lines = text.split('\n').length;
    const format = fimFormatFor(MODELS['qwen2.5-coder']!)!;
    const fim = await buildFimPrompt({ format, path: 'big.ts', repoName: 'r', text, cursor: { line: Math.floor(lines / 2), character: 0 }, context: [], multiline: true }, { nCtx: 2048, maxNewTokens: 64 }, counter);
    assert.equal(fim.tokens, real.whole(fim.prompt));
    assert.ok(fim.tokens > fim.limit - 8, `filled ${fim.tokens}/${fim.limit}`);
    assert.ok(text.length > 8 * fim.prompt.length, 'the file is far larger than the window');
    assert.ok(lineChars <= 1.5 * fim.prompt.length, `lines of ${lineChars} characters counted for a prompt of ${fim.prompt.length}`);
    // Each call is a round trip to the tokenizer pool in the engine: batches sized by the budget.
    assert.ok(lineBatches <= 3, `lines counted in ${lineBatches} batches`);
  });

  it('a generated line far too long for the window is left out without being counted', async () => {
    const real = familyCounter('qwen2.5-coder');
    let longest = 0;
    const counter = new MemoCounter({ exact: true, count: (texts) => ((longest = Math.max(longest, ...texts.map((t) => t.length))), real.count(texts)) });
    const data = `const table = [${Array.from({ length: 12_000 }, (_, i) => i % 97).join(',')}];\n`;
    const code = realFiles().find((f) => f.path.endsWith('prompt.ts'))!.text.split('\n').slice(0, 60);
    const text = [...code.slice(0, 30), data.trimEnd(), ...code.slice(30)].join('\n');
    const format = fimFormatFor(MODELS['qwen2.5-coder']!)!;
    const fim = await buildFimPrompt({ format, path: 'gen.ts', repoName: 'r', text, cursor: { line: 34, character: 0 }, context: [], multiline: true }, { nCtx: 1024, maxNewTokens: 64 }, counter);
    assert.equal(fim.tokens, real.whole(fim.prompt));
    assert.ok(!fim.prompt.includes('const table'), 'the long line cannot fit');
    assert.ok(fim.linesBefore === 3 && fim.linesAfter > 20, `${fim.linesBefore} above, ${fim.linesAfter} below`);
    assert.ok(data.length > 8 * fim.limit && longest < data.length, `the tokenizer was given ${longest} characters at once`);
  });

  it('a cursor line alone over the budget is cut around the cursor; a budget too small for anything is an error', async () => {
    const counter = familyCounter('codellama');
    let longest = 0;
    const watched = { exact: true, count: (texts: string[]) => ((longest = Math.max(longest, ...texts.map((t) => t.length))), counter.count(texts)) };
    const format = fimFormatFor(MODELS.codellama!)!;
    const line = Array.from({ length: 3000 }, (_, i) => `v${i}`).join(' + ');
    const fim = await buildFimPrompt({ format, path: 'long.ts', repoName: 'r', text: `${line}\nnext();\n`, cursor: { line: 0, character: 6000 }, context: [], multiline: false }, { nCtx: 300, maxNewTokens: 50 }, watched);
    assert.ok(fim.tokens <= fim.limit && fim.tokens > fim.limit * 0.8, `${fim.tokens}/${fim.limit}`);
    // A line over 8 characters per token of the limit is cut before it is counted.
    assert.ok(longest <= 8 * fim.limit + 100, `the tokenizer was given ${longest} characters at once`);
    assert.equal(fim.tokens, counter.whole(fim.prompt));
    assert.ok(fim.prompt.includes(line.slice(5900, 6000)) && fim.prompt.includes(line.slice(6000, 6040)), 'the text next to the cursor stays');
    await assert.rejects(buildFimPrompt({ format, path: 'a.ts', repoName: 'r', text: 'x', cursor: { line: 0, character: 1 }, context: [], multiline: false }, { nCtx: 60, maxNewTokens: 50 }, counter), /leaves 9 prompt tokens/);
    await assert.rejects(buildFimPrompt({ format, path: 'a.ts', repoName: 'r', text: 'x', cursor: { line: 1, character: 0 }, context: [], multiline: false }, { nCtx: 600, maxNewTokens: 50 }, counter), RangeError);
  });
});

