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
  | { kind: 'fuzzy'; paths: string[] }
  | { kind: 'none' };

export interface RepairInput {
  query: string;
  /** Absolute paths of the workspace's files. */
  files: readonly string[];
  /** Workspace roots, for paths written relative to a root. */
  roots: readonly string[];
  limit?: number;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function repairPath(input: RepairInput): Repair {
  const limit = input.limit ?? 10;
  const query = input.query.replace(/\\/g, '/').replace(/^\.\//, '').trim();
  if (query === '') return { kind: 'none' };
  const files = new Set(input.files);
  if (query.startsWith('/') && files.has(query)) return { kind: 'exact', path: query };
  const rooted = input.roots.map((root) => `${root.replace(/\/+$/, '')}/${query.replace(/^\/+/, '')}`).filter((p) => files.has(p));
  if (rooted.length === 1) return { kind: 'exact', path: rooted[0]! };
  const tail = `/${query.replace(/^\/+/, '')}`;
  const suffix = input.files.filter((f) => f.endsWith(tail));
  if (suffix.length === 1) return { kind: 'exact', path: suffix[0]! };
  if (suffix.length > 1) return { kind: 'suffix', paths: suffix.sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, limit) };
  return fuzzy(query, input.files, limit);
}

function fuzzy(query: string, files: readonly string[], limit: number): Repair {
  const wantedName = baseName(query).toLowerCase();
  const wantedStem = wantedName.replace(/\.[^.]+$/, '');
  const folders = query.toLowerCase().split('/').slice(0, -1).filter((s) => s !== '');
  const scored: { path: string; score: number }[] = [];
  for (const path of files) {
    const name = baseName(path).toLowerCase();
    // A name typed without its extension (`point` for `point.ts`) is as good as the full name.
    const score = Math.max(nameScore(name, wantedName), nameScore(name.replace(/\.[^.]+$/, ''), wantedStem) * 0.95);
    if (score <= 0) continue;
    const lower = path.toLowerCase();
    const folderBonus = folders.length ? folders.filter((f) => lower.includes(`/${f}/`)).length / folders.length : 0;
    scored.push({ path, score: score + 0.2 * folderBonus });
  }
  if (scored.length === 0) return { kind: 'none' };
  scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return { kind: 'fuzzy', paths: scored.slice(0, limit).map((s) => s.path) };
}

/** A path as the user would write it: relative to the root that holds it. */
export function shortPath(path: string, roots: readonly string[]): string {
  const root = [...roots].sort((a, b) => b.length - a.length).find((r) => path.startsWith(`${r.replace(/\/+$/, '')}/`));
  return root ? path.slice(root.replace(/\/+$/, '').length + 1) : path;
}
