/**
 * Path repair for `@file`: the text a user or model types (`utils.py`, `src/geo/point`,
 * `pont.ts`) to the workspace files it most likely means. An exact path wins, then files whose
 * path ends with the text, then files whose name is close to the text's name (prefix,
 * substring, letters in order, or a typo or two), ranked by how much of the folder part also
 * matches. Pure: a list of absolute paths in, ranked paths out.
 */
import { nameScore } from '../../ast/queries';

export type Repair =
  | { kind: 'exact'; path: string }
  | { kind: 'suffix'; paths: string[] }
  /** `confident`: the first is strictly closer than the second, so taking it is no guess. */
  | { kind: 'fuzzy'; paths: string[]; confident: boolean }
  | { kind: 'none' };

export interface RepairInput {
  query: string;
  /** Absolute paths of the workspace's files. */
  files: readonly string[];
  /** Workspace roots, for paths written relative to a root. */
  roots: readonly string[];
  /** `nameIndex(files)`, when the caller keeps it. */
  names?: readonly NameEntry[];
  limit?: number;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function repairPath(input: RepairInput): Repair {
  const limit = input.limit ?? 10;
  const query = input.query.replace(/\\/g, '/').replace(/^\.\//, '').trim();
  if (query === '') return { kind: 'none' };
  // A few candidates are looked up in the list; a Set of thousands per question would cost more.
  if (query.startsWith('/') && input.files.includes(query)) return { kind: 'exact', path: query };
  const rooted = input.roots.map((root) => `${root.replace(/\/+$/, '')}/${query.replace(/^\/+/, '')}`).filter((p) => input.files.includes(p));
  if (rooted.length === 1) return { kind: 'exact', path: rooted[0]! };
  const tail = `/${query.replace(/^\/+/, '')}`;
  const suffix = input.files.filter((f) => f.endsWith(tail));
  if (suffix.length === 1) return { kind: 'exact', path: suffix[0]! };
  if (suffix.length > 1) return { kind: 'suffix', paths: suffix.sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, limit) };
  return fuzzy(query, input.names ?? nameIndex(input.files), limit);
}

export interface NameEntry {
  path: string;
  lower: string;
  name: string;
  stem: string;
}

/**
 * Lower-cased names of a file list, made once per list: a kept list is asked about many times
 * (pass it as `RepairInput.names`).
 */
export function nameIndex(files: readonly string[]): NameEntry[] {
  return files.map((path) => {
    const lower = path.toLowerCase();
    const name = baseName(lower);
    return { path, lower, name, stem: name.replace(/\.[^.]+$/, '') };
  });
}

function fuzzy(query: string, entries: readonly NameEntry[], limit: number): Repair {
  const bag = new Int32Array(128);
  const wantedName = baseName(query).toLowerCase();
  const wantedStem = wantedName.replace(/\.[^.]+$/, '');
  const folders = query.toLowerCase().split('/').slice(0, -1).filter((s) => s !== '');
  const scored: { path: string; score: number }[] = [];
  for (const entry of entries) {
    // A name typed without its extension (`point` for `point.ts`) is as good as the full name.
    const score = Math.max(closeScore(entry.name, wantedName, bag), closeScore(entry.stem, wantedStem, bag) * 0.95);
    if (score <= 0) continue;
    const folderBonus = folders.length ? folders.filter((f) => entry.lower.includes(`/${f}/`)).length / folders.length : 0;
    scored.push({ path: entry.path, score: score + 0.2 * folderBonus });
  }
  if (scored.length === 0) return { kind: 'none' };
  scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path));
  const confident = scored.length === 1 || scored[0]!.score > scored[1]!.score + 1e-9;
  return { kind: 'fuzzy', paths: scored.slice(0, limit).map((s) => s.path), confident };
}

/** A path as the user would write it: relative to the root that holds it. */
export function shortPath(path: string, roots: readonly string[]): string {
  const root = [...roots].sort((a, b) => b.length - a.length).find((r) => path.startsWith(`${r.replace(/\/+$/, '')}/`));
  return root ? path.slice(root.replace(/\/+$/, '').length + 1) : path;
}

/**
 * `nameScore` (prefix, substring, letters in order, then a typo or two), with its typo check
 * bounded: a typo scores `0.35 − 0.1 × edits`, so only up to three edits count, and names whose
 * letter counts differ by more than twice that (an edit changes at most two counts) are passed
 * over without computing a distance. `bag` is scratch space for the counts; character codes
 * share its 128 buckets, which keeps the difference a lower bound.
 */
function closeScore(name: string, wanted: string, bag: Int32Array): number {
  if (wanted === '' || name.includes(wanted) || isSubsequence(wanted, name)) return nameScore(name, wanted);
  const allowed = Math.min(3, Math.max(1, Math.floor(wanted.length / 4)));
  if (Math.abs(name.length - wanted.length) > allowed) return 0;
  bag.fill(0);
  for (let i = 0; i < name.length; i++) bag[name.charCodeAt(i) & 127]!++;
  for (let i = 0; i < wanted.length; i++) bag[wanted.charCodeAt(i) & 127]!--;
  let differ = 0;
  for (let i = 0; i < 128; i++) differ += Math.abs(bag[i]!);
  if (differ > 2 * allowed) return 0;
  const distance = boundedDistance(name, wanted, allowed);
  return distance <= allowed ? 0.35 - 0.1 * distance : 0;
}

function isSubsequence(wanted: string, name: string): boolean {
  let at = 0;
  for (let i = 0; i < name.length && at < wanted.length; i++) if (name[i] === wanted[at]) at++;
  return at === wanted.length;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), or
 * `limit + 1` as soon as a whole row exceeds `limit`.
 */
export function boundedDistance(a: string, b: string, limit: number): number {
  let before = new Int32Array(b.length + 1);
  let previous = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}
