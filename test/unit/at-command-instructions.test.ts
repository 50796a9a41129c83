import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleInstructions, MAX_INSTRUCTION_FILE_CHARS, stripFrontMatter } from '../../server/core/chat/instructions';

const file = (shown: string, text: string) => ({ path: `/p/${shown}`, shown, text });

describe('project instructions', () => {
  it('joins the files under their paths, in order, saying nothing when there are none', () => {
    const out = assembleInstructions([file('AGENTS.md', 'Run tests.\n'), file('CLAUDE.md', 'Be brief.')]);
    assert.equal(out.text, '# Project instructions\n\nFrom AGENTS.md:\nRun tests.\n\nFrom CLAUDE.md:\nBe brief.');
    assert.deepEqual(out.cut, []);
    assert.deepEqual(assembleInstructions([file('AGENTS.md', '  \n')]), { text: '', cut: [] });
  });

  it('says the same text once (CLAUDE.md as a copy of AGENTS.md) and drops Cursor front matter', () => {
    const out = assembleInstructions([file('AGENTS.md', 'Same.'), file('CLAUDE.md', 'Same.'), file('.cursor/rules/a.mdc', '---\nglobs: "*.py"\nalwaysApply: true\n---\nRule body.')]);
    assert.equal(out.text, '# Project instructions\n\nFrom AGENTS.md:\nSame.\n\nFrom .cursor/rules/a.mdc:\nRule body.');
    assert.equal(stripFrontMatter('no front matter\n---\n'), 'no front matter\n---\n');
  });

  it('cuts a long file and leaves out what exceeds the total', () => {
    const long = 'x'.repeat(MAX_INSTRUCTION_FILE_CHARS + 10);
    const out = assembleInstructions([file('AGENTS.md', long), file('CLAUDE.md', 'y'.repeat(100))], MAX_INSTRUCTION_FILE_CHARS + 100);
    assert.ok(out.text.includes(`[cut at ${MAX_INSTRUCTION_FILE_CHARS} characters]`));
    assert.ok(!out.text.includes('yyy'));
    assert.deepEqual(out.cut, ['AGENTS.md', 'CLAUDE.md']);
  });
});
