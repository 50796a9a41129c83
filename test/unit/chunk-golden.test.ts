/**
 * Chunking golden files: every AST fixture project (one per language) plus Markdown and plain
 * text, split with a small window so that skeletons, windows and overlaps all show. A missing
 * golden fails; regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { chunkFile, estimateTokens, type Chunk } from '../../server/core/retrieval/chunk';
import { parse } from '../../server/workers/parse';
import { listFiles } from '../helpers/ast-golden';
import { matchGolden } from '../helpers/golden';

const FIXTURES = join(__dirname, '..', 'fixtures');
const GOLDEN = join(FIXTURES, 'chunks');
const OPTIONS = { windowTokens: 48, overlapLines: 3, countTokens: estimateTokens };

function render(chunk: Chunk): string {
  const first = chunk.text.split('\n')[0]!.trim().slice(0, 60);
  const lines = chunk.text.split('\n').length;
  return `L${chunk.line1}-${chunk.line2} ${chunk.kind}${chunk.symbol ? ` ${chunk.symbol}` : ''} (${lines} lines) | ${first}`;
}

async function chunkProject(root: string): Promise<string> {
  const out: string[] = [];
  for (const path of listFiles(root).filter((p) => !/(expected|queries)\.json$/.test(p))) {
    const rel = relative(root, path);
    const text = readFileSync(path, 'utf8');
    const parsed = await parse({ path, text, relPath: rel });
    const chunks = chunkFile(text, parsed.ok ? parsed.file : null, OPTIONS, path);
    out.push(`== ${rel}`, ...chunks.map(render));
    checkInvariants(text, chunks, rel);
  }
  return `${out.join('\n')}\n`;
}

/** What holds for every file: ranges inside the file, text from those lines (or a skeleton), no empty chunk. */
function checkInvariants(text: string, chunks: Chunk[], rel: string): void {
  const lines = text.split('\n');
  for (const chunk of chunks) {
    assert.ok(chunk.line1 >= 0 && chunk.line2 < lines.length && chunk.line1 <= chunk.line2, `${rel}: bad range ${render(chunk)}`);
    assert.ok(chunk.text.trim().length > 0, `${rel}: empty chunk ${render(chunk)}`);
    if (chunk.kind !== 'skeleton') assert.equal(chunk.text, lines.slice(chunk.line1, chunk.line2 + 1).join('\n'), `${rel}: text is not its lines`);
  }
}

function compare(name: string, actual: string): void {
  matchGolden(join(GOLDEN, `${name}.golden.txt`), actual);
}

describe('chunking golden files', () => {
  for (const language of readdirSync(join(FIXTURES, 'ast')).sort()) {
    it(`splits the ${language} fixture project`, async () => compare(language, await chunkProject(join(FIXTURES, 'ast', language))));
  }
  it('splits Markdown at headings and plain text at paragraphs', async () => compare('text', await chunkProject(join(GOLDEN, 'input'))));
});
