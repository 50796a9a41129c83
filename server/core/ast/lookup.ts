/**
 * Name lookup across the index: enclosing scopes, imports (following re-exports), wildcard
 * imports, the same package, members of a class and of its bases, and dotted chains through
 * modules, classes and typed fields.
 */
import type { AstIndex, DefRef, FileInfo } from './ast-index';
import { IMPLICIT_THIS, languageFamily } from './languages';
import { keysOfSpecifier, normalizePath, dirnameOf, sharedFolders } from './module-keys';
import { lastSegment, parentPath } from './official-path';
import { CLASS_LIKE, type AstDefinition, type AstUsage, type LanguageId } from './types';

export type LookupHow = 'scope' | 'import' | 'member' | 'inherited' | 'package';

export type Found = { kind: 'defs'; refs: DefRef[]; how: LookupHow } | { kind: 'module'; files: string[] };

const MAX_DEPTH = 6;

/** Languages whose imports name namespaces or packages, which need not match folders. */
export const NAMESPACE_LANGUAGES: ReadonlySet<LanguageId> = new Set(['java', 'kotlin', 'csharp', 'php']);

export class Lookup {
  constructor(readonly index: AstIndex) {}

  family(file: string): string {
    const info = this.index.file(file);
    return info ? languageFamily(info.ast.language) : '';
  }

  language(file: string): LanguageId | null {
    return this.index.file(file)?.ast.language ?? null;
  }

  /** A name as seen from `scope` in `info`: enclosing scopes, imports, wildcard imports, same package. */
  name(info: FileInfo, scope: string, name: string, depth = 0): Found | null {
    if (depth > MAX_DEPTH) return null;
    const file = info.ast.path;
    const root = info.ast.filePath;
    const implicitThis = IMPLICIT_THIS.has(info.ast.language);
    for (let s = scope; ; s = parentPath(s)) {
      const here = info.byPath.get(s)?.[0];
      const classLike = here ? CLASS_LIKE.has(here.kind) : s !== root;
      if (classLike) {
        // Class members are visible unqualified only where the language has an implicit `this`.
        if (implicitThis) {
          const owner = here ? { file, def: here } : this.typeName(info, parentPath(s) || root, lastSegment(s), depth + 1);
          const member = owner ? this.member(owner, name, depth + 1) : null;
          if (member) return member;
        }
      } else {
        const kids = info.children.get(s)?.filter((d) => d.name === name);
        if (kids?.length) return { kind: 'defs', refs: kids.map((def) => ({ file, def })), how: 'scope' };
      }
      if (s === root || s.length <= root.length) break;
    }
    for (const imp of info.imports.get(name) ?? []) {
      const found = this.importTarget(info, imp, depth + 1);
      if (found) return found;
    }
    for (const imp of info.imports.get('') ?? []) {
      const module = this.importTarget(info, imp, depth + 1);
      if (module?.kind !== 'module') continue;
      const found = this.inModules(module.files, name, depth + 1);
      if (found) return { ...found, how: 'import' };
    }
    return this.samePackage(info, name);
  }

  /** What an import usage binds: a definition, or a module (for `*` and namespace imports). */
  importTarget(info: FileInfo, imp: AstUsage, depth = 0): Found | null {
    if (depth > MAX_DEPTH || imp.module === undefined) return null;
    const files = this.moduleFiles(info, imp.module);
    if (imp.name === '*') return files.length ? { kind: 'module', files } : null;
    const found = this.inModules(files, imp.name === 'default' ? imp.alias ?? 'default' : imp.name, depth + 1);
    if (found) return { ...found, how: 'import' };
    // `from pkg import mod` names a module, not a definition.
    const separator = imp.module.endsWith('.') || imp.module.endsWith('/') ? '' : info.ast.language === 'python' ? '.' : '/';
    const sub = this.moduleFiles(info, `${imp.module}${separator}${imp.name}`);
    return sub.length ? { kind: 'module', files: sub } : null;
  }

  /** Files an import specifier names, nearest to the importing file first. */
  moduleFiles(info: FileInfo, spec: string): string[] {
    const family = languageFamily(info.ast.language);
    for (const key of keysOfSpecifier(spec, info.ast.path, info.ast.language)) {
      const files = this.index.filesWithKey(key).filter((f) => f !== info.ast.path && this.family(f) === family);
      if (files.length) return files.sort((a, b) => sharedFolders(b, info.ast.path) - sharedFolders(a, info.ast.path) || a.localeCompare(b));
    }
    return [];
  }

  /** A top-level name in any of these files, following their re-exports. */
  inModules(files: readonly string[], name: string, depth: number): Extract<Found, { kind: 'defs' }> | null {
    if (depth > MAX_DEPTH) return null;
    for (const file of files) {
      const info = this.index.file(file);
      if (!info) continue;
      const defs = this.topLevel(info, name);
      if (defs.length) return { kind: 'defs', refs: defs.map((def) => ({ file, def })), how: 'import' };
    }
    for (const file of files) {
      const info = this.index.file(file);
      if (!info) continue;
      for (const imp of info.imports.get(name) ?? []) {
        const found = this.importTarget(info, imp, depth + 1);
        if (found?.kind === 'defs') return { ...found, how: 'import' };
      }
      for (const imp of info.imports.get('') ?? []) {
        const module = this.importTarget(info, imp, depth + 1);
        const found = module?.kind === 'module' ? this.inModules(module.files, name, depth + 1) : null;
        if (found) return found;
      }
    }
    return null;
  }

  /** Top-level definitions of a file with this name, looking through namespaces. */
  topLevel(info: FileInfo, name: string): AstDefinition[] {
    const out: AstDefinition[] = [];
    const visit = (parent: string) => {
      for (const def of info.children.get(parent) ?? []) {
        if (def.name === name) out.push(def);
        if (def.kind === 'namespace') visit(def.path);
      }
    };
    visit(info.ast.filePath);
    return out;
  }

  /** Go, Java, Kotlin, C#, PHP: the other files of the same folder share one namespace. */
  samePackage(info: FileInfo, name: string): Found | null {
    const language = info.ast.language;
    if (!NAMESPACE_LANGUAGES.has(language) && language !== 'go') return null;
    const folder = dirnameOf(normalizePath(info.ast.path)).replace(/^\//, '');
    const files = this.index.filesWithKey({ kind: 'folder', key: folder }).filter((f) => f !== info.ast.path && this.language(f) === language);
    const found = this.inModules(files, name, MAX_DEPTH);
    return found ? { ...found, how: 'package' } : null;
  }

  /** A member of a class-like definition, its out-of-line methods, then its bases, nearest first. */
  member(owner: DefRef, name: string, depth = 0, seen = new Set<string>()): Extract<Found, { kind: 'defs' }> | null {
    // A class's own name inside it is the class, not its constructor (Java, C#, C++).
    if (depth > MAX_DEPTH || seen.has(owner.def.path) || name === owner.def.name) return null;
    seen.add(owner.def.path);
    const direct = this.index.byPath(`${owner.def.path}::${name}`);
    if (direct.length) return { kind: 'defs', refs: [...direct], how: 'member' };
    const family = this.family(owner.file);
    // Methods declared away from their type: Rust `impl`, Go receivers, C++ `Type::method`.
    const away = this.index.byName(name).filter((r) => r.def.parent !== null && lastSegment(r.def.parent) === owner.def.name && this.index.byPath(r.def.parent).length === 0 && this.family(r.file) === family);
    if (away.length) return { kind: 'defs', refs: away, how: 'member' };
    for (const base of this.bases(owner)) {
      const found = this.member(base, name, depth + 1, seen);
      if (found) return { ...found, how: 'inherited' };
    }
    return null;
  }

  /** Direct bases of a class, resolved; names that do not resolve are matched by unique name. */
  bases(owner: DefRef): DefRef[] {
    const cacheKey = `bases|${owner.file}|${owner.def.path}|${owner.def.declLine1}`;
    const cached = this.index.cache.get(cacheKey) as DefRef[] | undefined;
    if (cached) return cached;
    this.index.cache.set(cacheKey, []);
    const family = this.family(owner.file);
    const texts: { file: string; text: string }[] = owner.def.bases.map((text) => ({ file: owner.file, text }));
    for (const { file, ext } of this.index.extensionsOf(owner.def.name)) {
      if (this.family(file) === family) for (const text of ext.bases) texts.push({ file, text });
    }
    const out: DefRef[] = [];
    for (const { file, text } of texts) {
      const info = this.index.file(file);
      if (!info) continue;
      const scope = file === owner.file ? owner.def.parent ?? info.ast.filePath : info.ast.filePath;
      const found = this.typeName(info, scope, text);
      if (found && !out.some((r) => r.def.path === found.def.path)) out.push(found);
    }
    this.index.cache.set(cacheKey, out);
    return out;
  }

  /** A type name (`Goat`, `py_lib.Goat`, `geo::Point`) to its class-like definition. */
  typeName(info: FileInfo, scope: string, text: string, depth = 0): DefRef | null {
    const segs = text.split(/::|\./).filter((s) => s !== '');
    if (segs.length === 0) return null;
    const found = this.chain(info, scope, segs, depth);
    let refs = found?.kind === 'defs' ? found.refs : [];
    if (refs.length === 0) {
      const family = languageFamily(info.ast.language);
      refs = this.index.byName(segs[segs.length - 1]!).filter((r) => CLASS_LIKE.has(r.def.kind) && this.family(r.file) === family);
      if (refs.length !== 1) return null;
    }
    const classLike = refs.find((r) => CLASS_LIKE.has(r.def.kind));
    if (classLike) return classLike;
    const alias = refs.find((r) => r.def.kind === 'type_alias' && r.def.type);
    if (alias && depth < MAX_DEPTH) {
      const aliasInfo = this.index.file(alias.file);
      return aliasInfo ? this.typeName(aliasInfo, alias.def.parent ?? aliasInfo.ast.filePath, alias.def.type!, depth + 1) : null;
    }
    return null;
  }

  /** A dotted chain: the first segment by name (or a dotted import alias), the rest as members. */
  chain(info: FileInfo, scope: string, segs: string[], depth = 0): Found | null {
    let current: Found | null = null;
    let i = 1;
    for (let k = segs.length - 1; k >= 2 && !current; k--) {
      for (const imp of info.imports.get(segs.slice(0, k).join('.')) ?? []) {
        current = this.importTarget(info, imp, depth + 1);
        if (current) {
          i = k;
          break;
        }
      }
    }
    // Rust paths from the crate root or a parent module name files: `crate::shapes::make`.
    if (!current && info.ast.language === 'rust' && (segs[0] === 'crate' || segs[0] === 'self' || segs[0] === 'super')) {
      for (let k = segs.length - 1; k >= 1 && !current; k--) {
        const files = this.moduleFiles(info, segs.slice(0, k).join('::'));
        if (files.length) {
          current = { kind: 'module', files };
          i = k;
        }
      }
    }
    current ??= this.name(info, scope, segs[0]!, depth + 1);
    for (; current && i < segs.length; i++) current = this.step(current, segs[i]!, depth + 1);
    return current;
  }

  /** One `.member` step from a module, a class or namespace, or a typed field or variable. */
  step(from: Found, name: string, depth: number): Found | null {
    if (from.kind === 'module') {
      const found = this.inModules(from.files, name, depth + 1);
      if (found) return { ...found, how: 'import' };
      const sub = from.files.flatMap((f) => this.index.filesWithKey({ kind: 'file', key: `${normalizePath(f).replace(/\.[^./]+$/, '').replace(/^\//, '')}/${name}` }));
      return sub.length ? { kind: 'module', files: sub } : null;
    }
    for (const ref of from.refs) {
      if (CLASS_LIKE.has(ref.def.kind) || ref.def.kind === 'namespace') {
        const found = this.member(ref, name, depth + 1);
        if (found) return found;
      } else if (ref.def.type && (ref.def.kind === 'field' || ref.def.kind === 'variable' || ref.def.kind === 'constant')) {
        const info = this.index.file(ref.file);
        const owner = info ? this.typeName(info, ref.def.parent ?? info.ast.filePath, ref.def.type, depth + 1) : null;
        const found = owner ? this.member(owner, name, depth + 1) : null;
        if (found) return found;
      }
    }
    return null;
  }

  /**
   * C and C++ declare in headers and define in sources: for a declaration without a body, the
   * definition with the same name and owner, nearest first; else the declaration itself.
   */
  definitionOf(ref: DefRef): DefRef {
    if (ref.def.bodyLine1 > 0 || (ref.def.kind !== 'function' && ref.def.kind !== 'method') || this.family(ref.file) !== 'c') return ref;
    const owner = ref.def.parent ? lastSegment(ref.def.parent) : null;
    const bodies = this.index.byName(ref.def.name).filter((r) => r.def.bodyLine1 > 0 && this.family(r.file) === 'c' && (r.def.parent ? lastSegment(r.def.parent) : null) === owner && (owner !== null || r.def.kind === 'function'));
    bodies.sort((a, b) => sharedFolders(b.file, ref.file) - sharedFolders(a.file, ref.file) || a.file.localeCompare(b.file));
    return bodies[0] ?? ref;
  }

  /** The class a scope belongs to, for `this`/`self`: a class scope, or the owner of an out-of-line method. */
  enclosingClass(info: FileInfo, scope: string): DefRef | null {
    const root = info.ast.filePath;
    for (let s = scope; s.length > root.length; s = parentPath(s)) {
      const here = info.byPath.get(s)?.[0];
      if (here && CLASS_LIKE.has(here.kind)) return { file: info.ast.path, def: here };
      if (!here) return this.typeName(info, parentPath(s) || root, lastSegment(s));
    }
    return null;
  }
}
