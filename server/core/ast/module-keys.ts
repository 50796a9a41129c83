/**
 * How import specifiers find files. Every indexed file is known under the suffixes of its path
 * (`src/geo/point`, `geo/point`, `point`) and its folder under the suffixes of the folder's path
 * (for Go, Java and Kotlin, where an import names a package, that is a folder). A specifier is
 * turned into such a key, relative ones against the importing file's folder.
 */
import { languageFamily } from './languages';
import type { LanguageId } from './types';

export type ModuleKey = { kind: 'file' | 'folder'; key: string };

export function normalizePath(path: string): string {
  const parts: string[] = [];
  const absolute = path.startsWith('/');
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
    } else {
      parts.push(part);
    }
  }
  return (absolute ? '/' : '') + parts.join('/');
}

export function dirnameOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? (at === 0 ? '/' : '') : path.slice(0, at);
}

function stripExtension(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
}

/** Suffixes of a slash path, longest first: `a/b/c` → `a/b/c`, `b/c`, `c`. */
function suffixes(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(parts.slice(i).join('/'));
  return out;
}

/** The keys a file is known under: its path without extension (and with, for C headers), and its folder's. */
export function keysOfFile(path: string, language: LanguageId): ModuleKey[] {
  const normalized = normalizePath(path);
  const stem = stripExtension(normalized);
  const keys: ModuleKey[] = suffixes(stem).map((key) => ({ kind: 'file' as const, key }));
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  // A package's entry file stands for its folder: `pkg/__init__.py`, `mod.rs`, `index.ts`.
  if (base === '__init__' || base === 'mod' || base === 'index') {
    for (const key of suffixes(dirnameOf(stem))) keys.push({ kind: 'file', key });
  }
  if (languageFamily(language) === 'c') for (const key of suffixes(normalized)) keys.push({ kind: 'file', key: `#${key}` });
  for (const key of suffixes(dirnameOf(normalized))) keys.push({ kind: 'folder', key });
  return keys;
}

/**
 * The keys an import specifier is looked up under, best first; none for one that cannot name a
 * workspace file (a bare npm package, a system header).
 */
export function keysOfSpecifier(spec: string, fromPath: string, language: LanguageId): ModuleKey[] {
  if (languageFamily(language) === 'c' && !spec.startsWith('<')) {
    // A quoted include is found beside the including file first, then along the include path.
    const from = dirnameOf(normalizePath(fromPath));
    return [{ kind: 'file', key: `#${normalizePath(`${from}/${spec}`).replace(/^\//, '')}` }, { kind: 'file', key: `#${normalizePath(spec).replace(/^(\.\.\/)+/, '').replace(/^\//, '')}` }];
  }
  // A Go import path is the module path then the folder: try it whole, then shorter and shorter tails.
  if (language === 'go') return suffixes(spec).map((key) => ({ kind: 'folder' as const, key }));
  const key = keyOfSpecifier(spec, fromPath, language);
  return key ? [key] : [];
}

function keyOfSpecifier(spec: string, fromPath: string, language: LanguageId): ModuleKey | null {
  const from = dirnameOf(normalizePath(fromPath));
  const family = languageFamily(language);
  if (family === 'js') {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
    return { kind: 'file', key: stripExtension(normalizePath(spec.startsWith('/') ? spec : `${from}/${spec}`)).replace(/^\//, '') };
  }
  if (family === 'c') {
    if (spec.startsWith('<')) return null;
    return { kind: 'file', key: `#${normalizePath(spec).replace(/^\//, '')}` };
  }
  if (language === 'python') {
    const dots = spec.match(/^\.*/)![0].length;
    const rest = spec.slice(dots).split('.').filter((s) => s !== '').join('/');
    if (dots === 0) return { kind: 'file', key: rest };
    let base = from;
    for (let i = 1; i < dots; i++) base = dirnameOf(base);
    return { kind: 'file', key: normalizePath(rest ? `${base}/${rest}` : base).replace(/^\//, '') };
  }
  if (language === 'rust') {
    const parts = spec.split('::');
    if (parts[0] === 'crate') return { kind: 'file', key: parts.length > 1 ? parts.slice(1).join('/') : 'lib' };
    if (parts[0] === 'self') return { kind: 'file', key: normalizePath(`${from}/${parts.slice(1).join('/')}`).replace(/^\//, '') };
    if (parts[0] === 'super') return { kind: 'file', key: normalizePath(`${dirnameOf(from)}/${parts.slice(1).join('/')}`).replace(/^\//, '') };
    return { kind: 'file', key: parts.join('/') };
  }
  if (language === 'go') return { kind: 'folder', key: spec };
  if (language === 'ruby') {
    return { kind: 'file', key: spec.startsWith('.') ? normalizePath(`${from}/${spec}`).replace(/^\//, '') : spec.replace(/\.rb$/, '') };
  }
  // Java, Kotlin, C#, PHP: a dotted (or backslashed) package or namespace, which is a folder by convention.
  return { kind: 'folder', key: spec.replace(/\\/g, '/').replace(/\./g, '/').replace(/^\//, '') };
}

/** Number of leading folder segments two paths share, for ranking candidates by nearness. */
export function sharedFolders(a: string, b: string): number {
  const pa = dirnameOf(normalizePath(a)).split('/');
  const pb = dirnameOf(normalizePath(b)).split('/');
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return n;
}
