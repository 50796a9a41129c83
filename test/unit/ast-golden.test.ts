import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderFixture } from '../helpers/ast-golden';

// AST_GOLDEN_UPDATE=1 npm run test:unit -- --only ast-golden rewrites the goldens; review the diff before committing.
const UPDATE = process.env.AST_GOLDEN_UPDATE === '1';
const ROOT = join(__dirname, '..', 'fixtures', 'ast');

describe('AST golden fixtures', () => {
  for (const language of readdirSync(ROOT).sort()) {
    it(`${language}: definitions, usages, resolutions and queries match expected.json`, async () => {
      const dir = join(ROOT, language);
      const actual = JSON.parse(JSON.stringify(await renderFixture(dir))) as unknown;
      const goldenPath = join(dir, 'expected.json');
      if (UPDATE || !existsSync(goldenPath)) {
        writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
        if (!UPDATE) assert.fail(`wrote a new golden ${goldenPath}; review it and run again`);
        return;
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(goldenPath, 'utf8')));
    });
  }
});
