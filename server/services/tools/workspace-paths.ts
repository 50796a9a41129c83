/**
 * Resolves a path a model gave to a file tool: lexically inside a workspace root (see
 * `core/tools/paths.ts`), and, through `realpath`, not escaping it by a symlink. A path that
 * does not exist yet is judged by its nearest existing parent, so creating files under a
 * symlinked folder that points outside is refused too.
 */
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { candidatePaths, isInside } from '../../core/tools/paths';

export type ResolvedPath = { ok: true; path: string; exists: boolean } | { ok: false; error: string };

export async function resolveToolPath(typed: string, roots: readonly string[]): Promise<ResolvedPath> {
  const candidates = candidatePaths(typed, roots);
  if (typeof candidates === 'string') return { ok: false, error: candidates };
  let chosen = candidates[0]!;
  let exists = false;
  for (const candidate of candidates) {
    if (await stat(candidate).then(() => true, () => false)) {
      chosen = candidate;
      exists = true;
      break;
    }
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  const real = await realOfNearest(chosen);
  if (!realRoots.some((root) => isInside(root, real))) {
    return { ok: false, error: `The path "${typed.trim()}" leads outside the workspace through a symbolic link (to ${real}); file tools work only inside the workspace.` };
  }
  return { ok: true, path: chosen, exists };
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
async function realOfNearest(path: string, depth = 0): Promise<string> {
  // A symlink loop resolves to no path at all, which no root contains.
  if (depth > 16) return '\0symlink loop';
  let current = path;
  let rest = '';
  for (;;) {
    try {
      const real = await realpath(current);
      return rest ? `${real}/${rest}` : real;
    } catch {
      // A dangling symlink: writing through it would create its target, so judge the target.
      const link = await lstat(current).catch(() => null);
      if (link?.isSymbolicLink()) {
        const target = resolve(dirname(current), await readlink(current));
        const real = await realOfNearest(target, depth + 1);
        return rest ? `${real}/${rest}` : real;
      }
      const parent = dirname(current);
      if (parent === current) return path;
      rest = rest ? `${current.slice(parent.length + 1)}/${rest}` : current.slice(parent.length + 1);
      current = parent;
    }
  }
}
