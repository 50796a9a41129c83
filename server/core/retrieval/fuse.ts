/**
 * Hybrid ranking: lists from the lexical, vector and symbol rankers fused by reciprocal rank
 * (each list gives `weight / (k + rank)`; Tabby uses the same with k = 60), then chunks of one
 * file whose line ranges overlap or touch are merged into one result, and each file keeps at
 * most `perFile` results so that one large file cannot fill the answer.
 */

export interface RankedList {
  name: 'lexical' | 'vector' | 'symbol';
  weight: number;
  /** Chunk ids, best first. */
  ids: readonly number[];
  /** Cosine distance per id, for the vector list. */
  distances?: ReadonlyMap<number, number>;
}

export interface ChunkRef {
  path: string;
  line1: number;
  line2: number;
}

export interface FusedHit extends ChunkRef {
  score: number;
  /** Best cosine distance among the merged chunks' vector hits, or null when none had one. */
  distance: number | null;
  /** Which rankers found it. */
  sources: RankedList['name'][];
  ids: number[];
}

export interface FuseOptions {
  k: number;
  perFile: number;
  limit: number;
}

export const DEFAULT_FUSE: FuseOptions = { k: 60, perFile: 2, limit: 10 };

export function fuse(lists: readonly RankedList[], lookup: (id: number) => ChunkRef | undefined, options: FuseOptions = DEFAULT_FUSE): FusedHit[] {
  const scores = new Map<number, { score: number; sources: Set<RankedList['name']>; distance: number | null }>();
  for (const list of lists) {
    list.ids.forEach((id, rank) => {
      const entry = scores.get(id) ?? { score: 0, sources: new Set(), distance: null };
      entry.score += list.weight / (options.k + rank + 1);
      entry.sources.add(list.name);
      const distance = list.distances?.get(id);
      if (distance !== undefined) entry.distance = entry.distance === null ? distance : Math.min(entry.distance, distance);
      scores.set(id, entry);
    });
  }
  const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
  const byFile = new Map<string, FusedHit[]>();
  const out: FusedHit[] = [];
  for (const [id, entry] of ranked) {
    const ref = lookup(id);
    if (!ref) continue;
    const hits = byFile.get(ref.path) ?? [];
    const near = hits.find((h) => ref.line1 <= h.line2 + 1 && ref.line2 >= h.line1 - 1);
    if (near) {
      // A lower-ranked neighbour widens the better hit rather than taking a slot of its own.
      near.line1 = Math.min(near.line1, ref.line1);
      near.line2 = Math.max(near.line2, ref.line2);
      near.ids.push(id);
      for (const s of entry.sources) if (!near.sources.includes(s)) near.sources.push(s);
      if (entry.distance !== null) near.distance = near.distance === null ? entry.distance : Math.min(near.distance, entry.distance);
      continue;
    }
    if (hits.length >= options.perFile || out.length >= options.limit) continue;
    const hit: FusedHit = { ...ref, score: entry.score, distance: entry.distance, sources: [...entry.sources], ids: [id] };
    hits.push(hit);
    byFile.set(ref.path, hits);
    out.push(hit);
  }
  return out;
}

/**
 * Refact's usefulness, `100 − 75 · relative distance` from the best hit, here on fused scores:
 * the best hit is 100, a hit with half its score 62.5.
 */
export function usefulness(score: number, best: number): number {
  if (best <= 0) return 0;
  return 100 - 75 * Math.min(1, Math.max(0, 1 - score / best));
}
