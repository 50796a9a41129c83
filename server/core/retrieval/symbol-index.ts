/**
 * Symbol-name matches: which chunks declare a name that the query mentions. A name declared in
 * few places says more than a common one (`run`, `get`), and names near the end of the query
 * (the cursor, in a completion context) count more than names at the top.
 */
import { topK, type Scored } from './bm25';

const MAX_DECLARATIONS = 256;

export class SymbolIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly names = new Map<number, string[]>();

  get size(): number {
    return this.names.size;
  }

  add(id: number, names: readonly string[]): void {
    if (names.length === 0) return;
    this.remove(id);
    const unique = [...new Set(names)];
    this.names.set(id, unique);
    for (const name of unique) {
      const list = this.byName.get(name);
      if (list) list.push(id);
      else this.byName.set(name, [id]);
    }
  }

  remove(id: number): void {
    const names = this.names.get(id);
    if (!names) return;
    this.names.delete(id);
    for (const name of names) {
      const list = this.byName.get(name)!;
      const at = list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.byName.delete(name);
    }
  }

  /**
   * `identifiers` in query order (lowercased whole names). Scores are on an absolute scale: a
   * name declared in one chunk that ends the query scores 1, one declared in 100 chunks 0.15,
   * which is what lets the fusion count a chunk by how rare its names are.
   */
  search(identifiers: readonly string[], limit: number): Scored[] {
    const scores = new Map<number, number>();
    const seen = new Set<string>();
    for (let i = identifiers.length - 1; i >= 0; i--) {
      const name = identifiers[i]!;
      if (seen.has(name)) continue;
      seen.add(name);
      const ids = this.byName.get(name);
      // A name declared everywhere (`constructor`, `toString`) tells nothing and costs a long loop.
      if (!ids || ids.length > MAX_DECLARATIONS) continue;
      // Position: 1 for the last name, falling to 0.5 for the first.
      const position = 0.5 + (0.5 * (i + 1)) / identifiers.length;
      const rarity = 1 / Math.log2(1 + ids.length);
      for (const id of ids) scores.set(id, (scores.get(id) ?? 0) + position * rarity);
    }
    return topK(scores, limit);
  }
}
