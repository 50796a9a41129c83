/**
 * The lexical half of keeping file tools inside the workspace: no `..` segments, absolute paths
 * only under a root, relative paths joined to a root. The other half (symlinks) needs the
 * disk and lives in `services/tools/workspace-paths.ts`.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Candidate absolute paths for what the model typed, or why it is refused. */
export function candidatePaths(typed: string, roots: readonly string[]): string[] | string {
  const text = typed.trim();
  if (text === '') return 'The path is empty.';
  if (roots.length === 0) return 'The engine has no workspace folder, so file tools cannot run.';
  if (text.split(/[\\/]+/).includes('..')) return `The path "${text}" contains "..": give a path inside the workspace without "..".`;
  if (isAbsolute(text)) {
    const path = normalize(text);
    return roots.some((root) => isInside(root, path)) ? [path] : `The path "${text}" is outside the workspace (${roots.join(', ')}); file tools work only inside it.`;
  }
  const rel = text.replace(/^\.\/+/, '');
  const out = roots.map((root) => join(root, rel));
  // Models often start a relative path with the workspace folder's own name.
  for (const root of roots) {
    const base = root.split(sep).pop();
    if (base && rel.startsWith(`${base}/`)) out.push(join(root, rel.slice(base.length + 1)));
  }
  return out;
}
