/**
 * A file's place in the workspace as the model is shown it: its path relative to the workspace
 * folder it lies in (the deepest, when folders nest) and that folder's name as the repository
 * name. A file outside every folder keeps the path it came with.
 */
import { basename, relative, sep } from 'node:path';

export interface WorkspacePlace {
  relative: string;
  repoName: string;
}

export function workspacePlace(path: string, folders: readonly string[]): WorkspacePlace {
  let root: string | null = null;
  for (const folder of folders) {
    const inside = path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
    if (inside && (root === null || folder.length > root.length)) root = folder;
  }
  if (root === null) return { relative: path, repoName: '' };
  return { relative: relative(root, path), repoName: basename(root) };
}
