/**
 * An in-memory BM25 index over chunks, rebuilt from the store at start and updated per file.
 *
 * Why not SQLite FTS5 (libsql has it): we measured FTS5 on 52k node_modules chunks with the
 * same pre-tokenized text, a 20-line query cut to its 16 rarest terms, `ORDER BY bm25()`:
 * p50 9.5 ms, p99 61 ms, because `bm25()` is called for every row matching any term. This
 * index scores the same query in well under a millisecond, and the store still persists
 * every chunk's term counts, so a restart rebuilds it without reading a file.
 *
 * Documents are chunk ids that are never reused (the store's AUTOINCREMENT), so a removed
 * document's postings can stay until the term is compacted.
 */

export interface Scored {
  id: number;
  score: number;
}

/** A chunk's terms as parallel arrays: what the worker computes and the store keeps. */
export interface TermCounts {
  terms: string[];
  counts: number[];
}

interface Postings {
  ids: Int32Array;
  tfs: Uint16Array;
  n: number;
  dead: number;
}

const K1 = 1.2;
const B = 0.75;
/** Long queries (20 lines of code) are cut to their rarest terms: the common ones barely score. */
export const MAX_QUERY_TERMS = 32;

export class Bm25Index {
  private readonly postings = new Map<string, Postings>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;

  get size(): number {
    return this.lengths.size;
  }

  get termCount(): number {
    return this.postings.size;
  }

  has(id: number): boolean {
    return this.lengths.has(id);
  }

  add(id: number, doc: TermCounts): void {
    if (this.lengths.has(id)) this.remove(id, doc);
    let length = 0;
    for (let i = 0; i < doc.terms.length; i++) {
      const tf = Math.min(65535, doc.counts[i]!);
      length += tf;
      let p = this.postings.get(doc.terms[i]!);
      if (!p) {
        p = { ids: new Int32Array(4), tfs: new Uint16Array(4), n: 0, dead: 0 };
        this.postings.set(doc.terms[i]!, p);
      }
      if (p.n === p.ids.length) grow(p);
      p.ids[p.n] = id;
      p.tfs[p.n] = tf;
      p.n++;
    }
    this.lengths.set(id, length);
    this.totalLength += length;
  }

  /** Forgets a document; `doc` names its terms so their document frequencies stay right. */
  remove(id: number, doc: Pick<TermCounts, 'terms'>): void {
    const length = this.lengths.get(id);
    if (length === undefined) return;
    this.lengths.delete(id);
    this.totalLength -= length;
    for (const term of doc.terms) {
      const p = this.postings.get(term);
      if (!p) continue;
      p.dead++;
      if (p.dead > 16 && p.dead * 2 > p.n) this.compact(term, p);
    }
  }

  /** The `limit` best documents for the query's tokens (repeats count once). */
  search(queryTokens: readonly string[], limit: number): Scored[] {
    const n = this.lengths.size;
    if (n === 0) return [];
    const avg = this.totalLength / n;
    const picked: { p: Postings; idf: number }[] = [];
    for (const term of new Set(queryTokens)) {
      const p = this.postings.get(term);
      const df = p ? p.n - p.dead : 0;
      if (!p || df <= 0) continue;
      picked.push({ p, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) });
    }
    picked.sort((a, b) => b.idf - a.idf);
    const scores = new Map<number, number>();
    for (const { p, idf } of picked.slice(0, MAX_QUERY_TERMS)) {
      for (let i = 0; i < p.n; i++) {
        const id = p.ids[i]!;
        const length = this.lengths.get(id);
        if (length === undefined) continue;
        const tf = p.tfs[i]!;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avg));
        scores.set(id, (scores.get(id) ?? 0) + s);
      }
    }
    return topK(scores, limit);
  }

  private compact(term: string, p: Postings): void {
    let w = 0;
    for (let r = 0; r < p.n; r++) {
      if (!this.lengths.has(p.ids[r]!)) continue;
      p.ids[w] = p.ids[r]!;
      p.tfs[w] = p.tfs[r]!;
      w++;
    }
    if (w === 0) {
      this.postings.delete(term);
      return;
    }
    p.n = w;
    p.dead = 0;
    if (p.ids.length > 4 * w) {
      p.ids = p.ids.slice(0, Math.max(4, w * 2));
      p.tfs = p.tfs.slice(0, Math.max(4, w * 2));
    }
  }
}

function grow(p: Postings): void {
  const ids = new Int32Array(p.ids.length * 2);
  ids.set(p.ids);
  const tfs = new Uint16Array(p.tfs.length * 2);
  tfs.set(p.tfs);
  p.ids = ids;
  p.tfs = tfs;
}

/** The `k` highest scores, best first, ties by lower id (older chunk) for stable answers. */
export function topK(scores: Map<number, number>, k: number): Scored[] {
  const out: Scored[] = [];
  for (const [id, score] of scores) {
    if (out.length === k && score <= out[k - 1]!.score) continue;
    let at = out.length;
    while (at > 0 && (out[at - 1]!.score < score || (out[at - 1]!.score === score && out[at - 1]!.id > id))) at--;
    out.splice(at, 0, { id, score });
    if (out.length > k) out.pop();
  }
  return out;
}

/** Counts repeated terms: `["a", "b", "a"]` → terms `["a", "b"]`, counts `[2, 1]`. */
export function countTerms(tokens: Iterable<string>, weight = 1, into = new Map<string, number>()): Map<string, number> {
  for (const token of tokens) into.set(token, (into.get(token) ?? 0) + weight);
  return into;
}

export function toTermCounts(counts: Map<string, number>): TermCounts {
  return { terms: [...counts.keys()], counts: [...counts.values()] };
}
