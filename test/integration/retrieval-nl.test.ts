/**
 * Natural-language search over a few thousand real files (the JS/TS sources of node_modules,
 * flattened into a scratch workspace so that the default blocklist keeps them) plus one file of
 * ours, through the real engine's `/v1/vdb-search` with no embedding model. Common words of the
 * query (`read`, `year`) are declared as names all over that corpus; the file that matches every
 * rare word must still come first: it is the only sensible answer, and chat shows the first.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, postJson, startEngineProcess, tempDir, writeFiles, type EngineProcess } from '../helpers/engine-process';

const NODE_MODULES = resolve(__dirname, '../../node_modules');
const CORPUS_FILES = 3000;

/** JS/TS sources below `dir`, depth first in sorted order (the same corpus every run). */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= CORPUS_FILES) break;
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (info?.isDirectory()) sources(path, out);
    else if (info && /\.(js|ts|mjs|cjs)$/.test(name) && !/\.(min|d)\.[jt]s$/.test(name) && info.size > 200 && info.size < 300_000) out.push(path);
  }
  return out;
}

function corpus(): string {
  const root = tempDir('retrieval-nl');
  sources(NODE_MODULES).forEach((path, i) => {
    const target = join(root, `pkg${i % 64}`, relative(NODE_MODULES, path).replace(/[/\\]/g, '__'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  });
  // No docstring and a neutral file name: every query word reaches the file through its code.
  writeFiles(root, {
    'delorean/instruments.py':
      'class FluxCapacitorGauge:\n    def __init__(self, readings):\n        self.readings = readings\n\n' +
      '    def read_gigawatts(self, year):\n        return sum(self.readings.get(year, []))\n',
  });
  return root;
}

describe('natural-language retrieval over a real corpus', () => {
  let engine: EngineProcess;
  let root: string;
  before(async () => {
    root = corpus();
    engine = await startEngineProcess({ args: ['--vecdb', '--workspace-folder', root] });
    // Indexing thousands of files takes a while on a small machine: a generous deadline for the signal.
    const status = await eventually('retrieval to index the corpus', async () => {
      const s = (await (await fetch(`${engine.baseUrl}/v1/vdb-status`)).json()) as any;
      return s.state === 'done' && s.chunks_total > 0 ? s : null;
    }, 300_000);
    assert.ok(status.files_total > CORPUS_FILES / 2, `only ${status.files_total} files indexed`);
  });
  after(() => engine.stop());

  const top = async (query: string) => {
    const r = await postJson(engine, '/v1/vdb-search', { query, top_n: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.results.map((h: any) => relative(root, h.file_path)) as string[];
  };

  it('puts the file that matches every rare word first, above names that match common words', async () => {
    const files = await top('flux capacitor gauge read gigawatts for a year');
    assert.equal(files[0], 'delorean/instruments.py', files.join(', '));
  });

  it('lets a strong lexical match beat weak symbol matches when the query names common identifiers', async () => {
    // `read` and `year` are identifiers here (a call), declared in many corpus files: weak symbol
    // hits that must not outrank the file BM25 clearly prefers.
    const files = await top('gauge.read(year) of the flux capacitor in gigawatts');
    assert.equal(files[0], 'delorean/instruments.py', files.join(', '));
  });

  it('still ranks a declaration named by an identifier-like query term first', async () => {
    const files = await top('const g = new FluxCapacitorGauge(readings)');
    assert.equal(files[0], 'delorean/instruments.py', files.join(', '));
  });
});
