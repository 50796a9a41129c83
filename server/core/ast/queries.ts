/**
 * The questions the rest of the engine asks of the index: definitions of a name (exact path,
 * qualified suffix, plain name, then fuzzy), usages of a definition, and a file's symbols.
 */
import type { AstIndex, DefRef } from './ast-index';
import type { Resolution, Resolver } from './resolve';
import type { AstDefinition } from './types';

export type DefinitionMatch = 'exact' | 'suffix' | 'name' | 'fuzzy';

export interface FoundDefinition {
  file: string;
  definition: AstDefinition;
  match: DefinitionMatch;
  score: number;
}

/**
 * Definitions for a query: `src::geo::point::Point::norm` (exact), `Point::norm` or `Point.norm`
 * (qualified suffix), `norm` (name); when none match, the closest names by a fuzzy score.
 */
export function findDefinitions(index: AstIndex, query: string, limit = 20): FoundDefinition[] {
  const found = (refs: readonly DefRef[], match: DefinitionMatch, score: number) => refs.map((r) => ({ file: r.file, definition: r.def, match, score }));
  const trimmed = query.trim();
  // A name as defined wins, even one with dots in it (a quoted property name, `'a.b'() {}`).
  const asDefined = index.byName(trimmed);
  if (asDefined.length && !trimmed.includes('::')) return sortFound(found(asDefined, 'name', 1)).slice(0, limit);
  const q = trimmed.replace(/\./g, '::');
  if (!q) return [];
  const exact = index.byPath(q);
  if (exact.length) return sortFound(found(exact, 'exact', 1)).slice(0, limit);
  const name = q.slice(q.lastIndexOf('::') + 2 || 0);
  const named = index.byName(q.includes('::') ? name : q);
  if (q.includes('::')) {
    const suffix = named.filter((r) => r.def.path.endsWith(`::${q}`));
    if (suffix.length) return sortFound(found(suffix, 'suffix', 1)).slice(0, limit);
  } else if (named.length) {
    return sortFound(found(named, 'name', 1)).slice(0, limit);
  }
  return fuzzyDefinitions(index, q, limit);
}

function sortFound(list: FoundDefinition[]): FoundDefinition[] {
  return list.sort((a, b) => b.score - a.score || a.definition.path.localeCompare(b.definition.path) || a.file.localeCompare(b.file) || a.definition.declLine1 - b.definition.declLine1);
}

/**
 * Fuzzy: names scored by case-insensitive prefix, substring, then in-order subsequence; the
 * query's qualifier, if any, must appear in the path.
 */
export function fuzzyDefinitions(index: AstIndex, query: string, limit = 20): FoundDefinition[] {
  const parts = query.toLowerCase().split('::').filter((p) => p !== '');
  const wanted = parts.pop() ?? '';
  const out: FoundDefinition[] = [];
  for (const name of index.names()) {
    const score = nameScore(name.toLowerCase(), wanted);
    if (score <= 0) continue;
    for (const ref of index.byName(name)) {
      const path = ref.def.path.toLowerCase();
      if (parts.some((p) => !path.includes(p))) continue;
      out.push({ file: ref.file, definition: ref.def, match: 'fuzzy', score });
    }
  }
  return sortFound(out).slice(0, limit);
}

/** 0 for no match, up to 1 for the same name; prefers prefixes, then substrings, then subsequences. */
export function nameScore(name: string, wanted: string): number {
  if (!wanted) return 0;
  if (name === wanted) return 1;
  const lengthPenalty = wanted.length / Math.max(name.length, wanted.length);
  if (name.startsWith(wanted)) return 0.6 + 0.3 * lengthPenalty;
  if (name.includes(wanted)) return 0.4 + 0.3 * lengthPenalty;
  let at = 0;
  for (const ch of wanted) {
    at = name.indexOf(ch, at);
    if (at < 0) break;
    at++;
  }
  if (at >= 0) return 0.1 + 0.2 * lengthPenalty;
  // Typos: a small edit distance (a swapped, missing or wrong letter) still matches.
  const allowed = Math.max(1, Math.floor(wanted.length / 4));
  if (Math.abs(name.length - wanted.length) > allowed) return 0;
  const distance = editDistance(name, wanted);
  return distance <= allowed ? 0.35 - 0.1 * distance : 0;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Usages anywhere in the index that resolve to the definition at this official path. */
export function findUsages(index: AstIndex, resolver: Resolver, officialPath: string, limit = 1000): Resolution[] {
  const def = index.byPath(officialPath)[0];
  if (!def) return [];
  const out: Resolution[] = [];
  const aliases: { file: string; alias: string }[] = [];
  for (const ref of index.usagesNamed(def.def.name)) {
    const resolution = resolver.resolveRef(ref);
    if (resolution.target !== officialPath) continue;
    out.push(resolution);
    if (resolution.usage.alias) aliases.push({ file: ref.file, alias: resolution.usage.alias });
  }
  // Uses under an import alias (`import { helper as h }` then `h()`) are named by the alias.
  for (const { file, alias } of aliases) {
    for (const ref of index.usagesNamed(alias)) {
      if (ref.file !== file) continue;
      const resolution = resolver.resolveRef(ref);
      if (resolution.target === officialPath) out.push(resolution);
    }
  }
  out.splice(limit);
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.usage.line - b.usage.line);
}

/** A file's definitions in source order, or null when the file is not indexed. */
export function fileSymbols(index: AstIndex, path: string): AstDefinition[] | null {
  const info = index.file(path);
  if (!info) return null;
  return [...info.ast.definitions].sort((a, b) => a.declLine1 - b.declLine1 || a.path.localeCompare(b.path));
}
