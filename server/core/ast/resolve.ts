/**
 * Resolves usages to definitions: through imports and enclosing scopes, through `this`/`super`
 * and typed receivers with the class hierarchy, and, when that fails, by a ranked guess over
 * every definition of the same name. Results are cached until the index changes.
 */
import type { AstIndex, DefRef, FileInfo, UsageRef } from './ast-index';
import { languageFamily } from './languages';
import { Lookup, NAMESPACE_LANGUAGES, type Found } from './lookup';
import { sharedFolders } from './module-keys';
import type { AstUsage, SymbolKind, UsageKind } from './types';

export type ResolvedHow =
  | 'scope' | 'import' | 'member' | 'inherited' | 'package' | 'module' | 'global' | 'fuzzy' | 'ambiguous' | 'external' | 'unresolved';

export interface Resolution {
  file: string;
  usage: AstUsage;
  /** Official path of the definition the usage refers to, or null. */
  target: string | null;
  targetFile: string | null;
  how: ResolvedHow;
  /** For `fuzzy` and `ambiguous`: the ranked official paths considered (at most five). */
  candidates: string[];
}

const PREFERRED: Record<UsageKind, ReadonlySet<SymbolKind>> = {
  call: new Set(['function', 'method', 'class', 'struct']),
  type: new Set(['class', 'struct', 'interface', 'enum', 'trait', 'type_alias']),
  reference: new Set(['constant', 'variable', 'field', 'function', 'method', 'class', 'struct', 'enum']),
  import: new Set(['function', 'class', 'struct', 'interface', 'enum', 'trait', 'type_alias', 'constant', 'variable']),
};

const EXCLUDED: Record<UsageKind, ReadonlySet<SymbolKind>> = {
  call: new Set(['type_alias', 'interface', 'trait', 'enum', 'namespace']),
  type: new Set(['function', 'method', 'field', 'constant', 'variable']),
  reference: new Set(),
  import: new Set(),
};

export class Resolver {
  private readonly lookup: Lookup;

  constructor(private readonly index: AstIndex) {
    this.lookup = new Lookup(index);
  }

  get lookups(): Lookup {
    return this.lookup;
  }

  /** Every usage of a file, resolved. */
  resolveFile(path: string): Resolution[] {
    const info = this.index.file(path);
    if (!info) return [];
    return info.ast.usages.map((_, index) => this.resolveRef({ file: path, index }));
  }

  resolveRef(ref: UsageRef): Resolution {
    const key = `res|${ref.file}|${ref.index}`;
    const cached = this.index.cache.get(key) as Resolution | undefined;
    if (cached) return cached;
    const info = this.index.file(ref.file)!;
    const resolution = this.resolve(info, info.ast.usages[ref.index]!);
    this.index.cache.set(key, resolution);
    return resolution;
  }

  private resolve(info: FileInfo, usage: AstUsage): Resolution {
    const file = info.ast.path;
    const done = (found: Found | null, fallbackHow: ResolvedHow = 'unresolved'): Resolution => {
      if (found?.kind === 'module') return { file, usage, target: null, targetFile: found.files[0] ?? null, how: 'module', candidates: [] };
      if (found?.refs.length) {
        const best = this.lookup.definitionOf(this.pick(found.refs, usage, info));
        return { file, usage, target: best.def.path, targetFile: best.file, how: found.how, candidates: [] };
      }
      // An import names a file only by convention in namespace languages; elsewhere an unfound module is outside the workspace.
      if (usage.kind === 'import' && (usage.name === '*' || !NAMESPACE_LANGUAGES.has(info.ast.language))) return { file, usage, target: null, targetFile: null, how: fallbackHow, candidates: [] };
      return this.guess(info, usage);
    };
    if (usage.kind === 'import') {
      const found = this.lookup.importTarget(info, usage);
      return done(found, this.lookup.moduleFiles(info, usage.module ?? '').length ? 'unresolved' : 'external');
    }
    const [first, ...rest] = usage.qualifier;
    if (first === undefined) return done(this.lookup.name(info, usage.scope, usage.name));
    if (first === '@this' || first === '@super') {
      const cls = this.lookup.enclosingClass(info, usage.scope);
      if (!cls) return done(null);
      const owners = first === '@this' ? [cls] : this.lookup.bases(cls);
      for (const owner of owners) {
        let found: Found | null = { kind: 'defs', refs: [owner], how: 'member' };
        for (const seg of [...rest, usage.name]) found = found ? this.lookup.step(found, seg, 0) : null;
        if (found) return done(first === '@super' && found.kind === 'defs' ? { ...found, how: 'inherited' } : found);
      }
      return done(null);
    }
    if (usage.receiverType && usage.receiverType !== '?') {
      const owner = this.lookup.typeName(info, usage.scope, usage.receiverType);
      let found: Found | null = owner ? { kind: 'defs', refs: [owner], how: 'member' } : null;
      for (const seg of [...rest, usage.name]) found = found ? this.lookup.step(found, seg, 0) : null;
      return done(found);
    }
    if (usage.receiverType === '?' || first === '?') return done(null);
    return done(this.lookup.chain(info, usage.scope, [...usage.qualifier, usage.name]));
  }

  /** Among several definitions at one place (overloads, a declaration and its definition), the one with a body. */
  private pick(refs: DefRef[], usage: AstUsage, info: FileInfo): DefRef {
    if (refs.length === 1) return refs[0]!;
    const ranked = [...refs].sort((a, b) => this.score(b, usage, info) - this.score(a, usage, info) || (b.def.bodyLine1 > 0 ? 1 : 0) - (a.def.bodyLine1 > 0 ? 1 : 0));
    return ranked[0]!;
  }

  /** The fallback: every definition with the usage's name in the same language family, ranked. */
  private guess(info: FileInfo, usage: AstUsage): Resolution {
    const file = info.ast.path;
    const family = languageFamily(info.ast.language);
    const excluded = EXCLUDED[usage.kind];
    const candidates = this.index.byName(usage.name).filter((r) => !excluded.has(r.def.kind) && this.lookup.family(r.file) === family && (usage.qualifier.length > 0 || r.def.parent === null || !this.isMember(r)));
    if (candidates.length === 0) return { file, usage, target: null, targetFile: null, how: 'unresolved', candidates: [] };
    const scored = candidates.map((ref) => ({ ref, score: this.score(ref, usage, info) })).sort((a, b) => b.score - a.score || a.ref.def.path.localeCompare(b.ref.def.path));
    const paths = [...new Set(scored.map((s) => s.ref.def.path))];
    const best = scored[0]!;
    if (paths.length === 1) return { file, usage, target: best.ref.def.path, targetFile: best.ref.file, how: 'global', candidates: [] };
    const clear = scored.find((s) => s.ref.def.path !== best.ref.def.path)!.score < best.score;
    return { file, usage, target: clear ? best.ref.def.path : null, targetFile: clear ? best.ref.file : null, how: clear ? 'fuzzy' : 'ambiguous', candidates: paths.slice(0, 5) };
  }

  private isMember(ref: DefRef): boolean {
    const parent = ref.def.parent ? this.index.byPath(ref.def.parent)[0] : undefined;
    return parent === undefined ? ref.def.kind === 'method' : parent.def.kind !== 'namespace' && parent.def.kind !== 'function' && parent.def.kind !== 'method';
  }

  /** Nearness and fitness of a candidate for a usage: same file, nearby folder, imported file, right kind. */
  private score(ref: DefRef, usage: AstUsage, info: FileInfo): number {
    let score = 0;
    if (ref.file === info.ast.path) score += 100;
    score += Math.min(sharedFolders(ref.file, info.ast.path), 8) * 5;
    if (PREFERRED[usage.kind].has(ref.def.kind)) score += 20;
    if (usage.qualifier.length > 0 && (ref.def.kind === 'method' || ref.def.kind === 'field')) score += 10;
    const owner = usage.receiverType && usage.receiverType !== '?' ? usage.receiverType : usage.qualifier[usage.qualifier.length - 1];
    if (owner && ref.def.path.toLowerCase().includes(owner.toLowerCase())) score += 30;
    if (this.imports(info, ref.file)) score += 40;
    if (ref.def.bodyLine1 > 0) score += 1;
    return score;
  }

  private imports(info: FileInfo, file: string): boolean {
    const key = `imported|${info.ast.path}`;
    let files = this.index.cache.get(key) as Set<string> | undefined;
    if (!files) {
      files = new Set();
      for (const imps of info.imports.values()) {
        for (const imp of imps) if (imp.module !== undefined) for (const f of this.lookup.moduleFiles(info, imp.module)) files.add(f);
      }
      this.index.cache.set(key, files);
    }
    return files.has(file);
  }
}
