import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildFimPrompt, fimFormatFor, formatSpecialTokens, type Budget, type ContextSnippet, type FimModelInfo } from '../../server/core/completion';
import { familyCounter, familyTokenizer, FAMILY_TOKENIZERS } from './completion-real-tokenizers';
import { matchGolden, takeCursor } from './completion-golden';

const ROOT = join(__dirname, '..', 'fixtures', 'completion', 'prompt');

interface Case {
  /** The format family when it is not the folder's name (which then names a variant). */
  family?: string;
  model: FimModelInfo;
  path: string;
  repoName: string;
  budget: Budget;
  multiline: boolean;
  context: ContextSnippet[];
}

describe('FIM prompt goldens, counted with real tokenizers', () => {
  for (const name of readdirSync(ROOT).sort()) {
    it(`${name}: prompt and exact token count match the golden files`, async () => {
      const dir = join(ROOT, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
      const input = readdirSync(dir).find((f) => f.startsWith('input.'))!;
      const { text, line, character } = takeCursor(readFileSync(join(dir, input), 'utf8'));
      const format = fimFormatFor(spec.model);
      assert.ok(format, `${name}: the model has a FIM format`);
      const family = spec.family ?? name;
      assert.equal(format.family, family, 'the family is the one the fixture is for');
      const counter = familyCounter(family);
      const fim = await buildFimPrompt({ format, path: spec.path, repoName: spec.repoName, text, cursor: { line, character }, context: spec.context, multiline: spec.multiline }, spec.budget, counter);

      // The count is the real tokenizer's count of the whole prompt, inside the limit.
      assert.equal(fim.tokens, counter.whole(fim.prompt), 'the reported count equals a full encode of the prompt');
      assert.ok(fim.tokens <= fim.limit, `${fim.tokens} tokens over the limit ${fim.limit}`);
      assert.equal(fim.limit, spec.budget.nCtx - spec.budget.maxNewTokens - 1);
      // The window was cut (the fixture is larger than the budget) and the fill is close.
      const lines = text.split('\n').length;
      assert.ok(fim.linesBefore + fim.linesAfter + 1 < lines, 'the budget cuts the file');
      assert.ok(fim.tokens / fim.limit > 0.95, `fill ${fim.tokens}/${fim.limit}`);

      const summary = {
        tokenizer: FAMILY_TOKENIZERS[family]!.label,
        family: format.family, order: format.order,
        tokens: fim.tokens, limit: fim.limit, contextLimit: fim.contextLimit, contextTokens: fim.contextTokens,
        contextUsed: fim.contextUsed.map((s) => `${s.source} ${s.path}:${s.startLine ?? ''}-${s.endLine ?? ''}`),
        linesBefore: fim.linesBefore, linesAfter: fim.linesAfter, stops: fim.stops,
      };
      matchGolden(join(dir, 'expected.prompt.txt'), fim.prompt);
      matchGolden(join(dir, 'expected.json'), `${JSON.stringify(summary, null, 2)}\n`);
    });
  }

  it('each family tokenizer reads the format\'s special tokens as single tokens', () => {
    const models: Record<string, FimModelInfo> = {
      'qwen2.5-coder': { name: 'qwen2.5/coder/7b/base' }, starcoder: { name: 'starcoder2/7b' }, 'deepseek-coder': { name: 'deepseek-coder/6.7b/base' },
      codellama: { name: 'codellama/13b' }, codestral: { name: 'codestral-22b' },
    };
    for (const [family, model] of Object.entries(models)) {
      const format = fimFormatFor(model)!;
      const tok = familyTokenizer(family);
      for (const special of formatSpecialTokens(format)) {
        assert.equal(tok.encode(special, { add_special_tokens: false }).ids.length, 1, `${family}: ${special} is one token`);
      }
    }
  });
});
