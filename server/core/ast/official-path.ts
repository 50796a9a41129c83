/**
 * Official paths name definitions the way Refact does: the file's path in `a::b::file` form, then
 * the enclosing names, `src::geo::point::Point::norm`. We keep the whole relative path, where
 * Refact keeps the parent folder and a hash, so a path is readable and stable across machines.
 */

/** Names that stand for their folder, as Refact drops `__init__.py` and `mod.rs`. */
const FOLDER_FILES = new Set(['__init__', 'mod']);

export function fileOfficialPath(relPath: string): string {
  const parts = relPath.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  const last = parts.pop() ?? '';
  const dot = last.lastIndexOf('.');
  const stem = dot > 0 ? last.slice(0, dot) : last;
  if (!FOLDER_FILES.has(stem) || parts.length === 0) parts.push(stem);
  return parts.join('::');
}

export function joinPath(parent: string, name: string): string {
  return parent ? `${parent}::${name}` : name;
}

export function lastSegment(path: string): string {
  const at = path.lastIndexOf('::');
  return at < 0 ? path : path.slice(at + 2);
}

export function parentPath(path: string): string {
  const at = path.lastIndexOf('::');
  return at < 0 ? '' : path.slice(0, at);
}
