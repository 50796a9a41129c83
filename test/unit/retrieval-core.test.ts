/**
 * The pure retrieval core: code-aware tokens, BM25 ranking over the chunks of a fixture
 * project, incremental removal, symbol matches, reciprocal-rank fusion with merging, and the
 * rules that weigh each list by how informative its matches are.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { Bm25Index } from '../../server/core/retrieval/bm25';
import { codeTokens, identifiers, queryNames } from '../../server/core/retrieval/code-tokens';
import { cappedStrengths, fuse, relativeStrengths, usefulness } from '../../server/core/retrieval/fuse';
import { SymbolIndex } from '../../server/core/retrieval/symbol-index';
import { chunk, type ChunkRecord } from '../../server/workers/chunk';
import { listFiles } from '../helpers/ast-golden';

const SETTINGS = { windowTokens: 128, overlapLines: 3, tokenizer: null };

async function fixtureIndex(language: string) {
  const root = join(__dirname, '..', 'fixtures', 'ast', language);
  const bm25 = new Bm25Index();
  const symbols = new SymbolIndex();
  const chunks = new Map<number, ChunkRecord & { path: string }>();
  let id = 0;
  for (const path of listFiles(root).filter((p) => !p.endsWith('.json'))) {
    const rel = relative(root, path);
    const out = await chunk({ file: { path: rel, relPath: rel, text: readFileSync(path, 'utf8') }, settings: SETTINGS });
    for (const c of out.chunks) {
      chunks.set(++id, { ...c, path: rel });
      bm25.add(id, c);
      symbols.add(id, c.names);
    }
  }
  return { bm25, symbols, chunks };
}

describe('code-aware tokens', () => {
  it('keeps identifiers whole and splits camelCase, snake_case and digits', () => {
    assert.deepEqual(codeTokens('parseHTTPResponse(user_name2)'), ['parsehttpresponse', 'parse', 'http', 'response', 'user_name2', 'user', 'name']);
    assert.deepEqual(identifiers('const x = getUser(self.account_id)'), ['getuser', 'account_id']);
  });
});

describe('BM25 over a fixture project', () => {
  it('ranks the chunk that defines what the query talks about first', async () => {
    const { bm25, chunks } = await fixtureIndex('python');
    const top = (query: string) => bm25.search(codeTokens(query), 3).map((h) => `${chunks.get(h.id)!.path}:${chunks.get(h.id)!.symbol}`);
    assert.equal(top('goat weight age jump height')[0], 'zoo/goat.py:zoo::goat::Goat');
    assert.match(top('self review of the animal')[0]!, /^zoo\/animal\.py:zoo::animal::Animal/);
    assert.equal(top('cosmic goat')[0], 'main.py:main::CosmicGoat');
    assert.deepEqual(top('nothing matches xyzzy'), []);
  });

  it('forgets removed chunks and their terms', async () => {
    const { bm25, chunks } = await fixtureIndex('python');
    const goat = [...chunks].find(([, c]) => c.symbol === 'zoo::goat::Goat')!;
    bm25.remove(goat[0], goat[1]);
    const after = bm25.search(codeTokens('goat weight age jump height'), 5).map((h) => chunks.get(h.id)!.symbol);
    assert.ok(!after.includes('zoo::goat::Goat'), after.join(', '));
    assert.ok(after.length > 0);
    assert.equal(bm25.size, chunks.size - 1);
  });

  it('answers as a fresh index after heavy churn squeezes out removed documents', () => {
    // Enough removals to compact posting lists and to renumber the document slots.
    const doc = (i: number) => ({ terms: ['common', `rare${i % 50}`, `id${i}`], counts: [1 + (i % 3), 1, 1] });
    const churned = new Bm25Index();
    for (let i = 1; i <= 5000; i++) churned.add(i, doc(i));
    for (let i = 1; i <= 5000; i++) if (i % 7 !== 0) churned.remove(i, doc(i));
    for (let i = 5001; i <= 5200; i++) churned.add(i, doc(i));
    const fresh = new Bm25Index();
    for (let i = 1; i <= 5200; i++) if (i > 5000 || i % 7 === 0) fresh.add(i, doc(i));
    assert.equal(churned.size, fresh.size);
    for (const query of [['common'], ['rare7', 'common'], ['id14', 'rare14'], ['id13']]) {
      assert.deepEqual(churned.search(query, 20), fresh.search(query, 20), query.join(' '));
    }
  });

  it('finds a declaration by a name the query mentions', async () => {
    const { symbols, chunks } = await fixtureIndex('typescript');
    const hits = symbols.search(identifiers('const g = new Goat(1);\nhelper(2)'), 5).map((h) => chunks.get(h.id)!.symbol);
    assert.ok(hits.some((s) => s.endsWith('::Goat')), hits.join(', '));
    assert.ok(hits.some((s) => s.endsWith('::helper')), hits.join(', '));
  });
});

describe('reciprocal-rank fusion', () => {
  const refs = new Map([
    [1, { path: 'a.ts', line1: 0, line2: 9 }],
    [2, { path: 'a.ts', line1: 10, line2: 19 }],
    [3, { path: 'b.ts', line1: 0, line2: 5 }],
    [4, { path: 'a.ts', line1: 40, line2: 49 }],
    [5, { path: 'a.ts', line1: 80, line2: 89 }],
    [6, { path: 'c.ts', line1: 0, line2: 1 }],
  ]);
  it('rewards agreement, merges touching ranges of one file, and caps results per file', () => {
    const hits = fuse(
      [
        { name: 'lexical', weight: 1, ids: [1, 3, 4, 5] },
        { name: 'vector', weight: 1, ids: [3, 2, 6], distances: new Map([[3, 0.1], [2, 0.2], [6, 0.3]]) },
      ],
      (id) => refs.get(id),
      { k: 60, perFile: 2, limit: 10 },
    );
    assert.deepEqual(hits.map((h) => `${h.path}:${h.line1}-${h.line2}`), ['b.ts:0-5', 'a.ts:0-19', 'a.ts:40-49', 'c.ts:0-1']);
    assert.deepEqual(hits[0]!.sources.sort(), ['lexical', 'vector']);
    assert.equal(hits[1]!.distance, 0.2);
    assert.equal(hits[2]!.distance, null);
    assert.equal(usefulness(hits[0]!.score, hits[0]!.score), 100);
  });
});

describe('weighing each list by how informative its matches are', () => {
  it('takes every identifier of a query with code in it, and only identifier-shaped words of prose', () => {
    assert.deepEqual(queryNames('flux capacitor gauge read gigawatts for a year'), []);
    assert.deepEqual(queryNames('where is parseHTTPResponse used, e.g. for user_name2 or HTTPServer'), ['parsehttpresponse', 'user_name2', 'httpserver']);
    assert.deepEqual(queryNames('gauge.read(year) in gigawatts'), ['gauge', 'read', 'year', 'gigawatts']);
    assert.deepEqual(queryNames('const total = sum(rows);'), ['total', 'sum', 'rows']);
    assert.deepEqual(queryNames('Read the file. Then write it'), []);
  });

  it('scores symbol matches on an absolute scale: one rare name counts fully, a common one barely', () => {
    const symbols = new SymbolIndex();
    symbols.add(1, ['fluxcapacitorgauge']);
    for (let id = 100; id < 200; id++) symbols.add(id, ['read']);
    const [unique] = symbols.search(['fluxcapacitorgauge'], 1);
    assert.equal(unique!.score, 1);
    const common = symbols.search(['read'], 100);
    assert.equal(common.length, 100);
    assert.ok(cappedStrengths([common[0]!.score])[0]! < 0.2, String(common[0]!.score));
    assert.deepEqual(cappedStrengths([1.7, 0.5, -1]), [1, 0.5, 0]);
  });

  it('turns scores into strengths against the best one, square-rooted', () => {
    assert.deepEqual(relativeStrengths([8, 2, 0]), [1, 0.5, 0]);
    assert.deepEqual(relativeStrengths([]), []);
    assert.deepEqual(relativeStrengths([0, 0]), [0, 0]);
  });

  const refs = (id: number) => ({ path: `f${id}.ts`, line1: 0, line2: 9 });
  const order = (hits: { path: string }[]) => hits.map((h) => h.path);

  it('lets a clearly best BM25 hit beat many weak symbol hits of triple weight', () => {
    const weak = Array.from({ length: 50 }, (_, i) => 100 + i);
    const lists = [
      { name: 'lexical' as const, weight: 1, ids: [1, 2, 3], strengths: relativeStrengths([30, 4, 3]) },
      { name: 'symbol' as const, weight: 3, ids: weak, strengths: cappedStrengths(weak.map(() => 0.15)) },
    ];
    assert.equal(order(fuse(lists, refs))[0], 'f1.ts');
    // On ranks alone (no strengths), as before, every weak symbol hit came first.
    const rankOnly = lists.map(({ strengths: _, ...rest }) => rest);
    assert.equal(order(fuse(rankOnly, refs))[0], 'f100.ts');
  });

  it('still puts a declaration of a rare name the query mentions first', () => {
    const hits = fuse(
      [
        { name: 'lexical', weight: 1, ids: [1, 2, 3], strengths: relativeStrengths([10, 9, 8]) },
        { name: 'symbol', weight: 3, ids: [3], strengths: cappedStrengths([1]) },
      ],
      refs,
    );
    assert.deepEqual(order(hits), ['f3.ts', 'f1.ts', 'f2.ts']);
    assert.deepEqual(hits[0]!.sources.sort(), ['lexical', 'symbol']);
  });
});
