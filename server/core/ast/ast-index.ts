/**
 * The in-memory index over all parsed files: definitions by official path and by name, usages
 * by name, files by module key, and hierarchy facts by type name. Replacing or removing one
 * file touches only that file's entries; resolutions are computed on demand and cached until the
 * next change.
 */
import { keysOfFile, type ModuleKey } from './module-keys';
import type { AstDefinition, AstExtension, AstUsage, FileAst } from './types';

export interface DefRef {
  file: string;
  def: AstDefinition;
}

export interface UsageRef {
  file: string;
  index: number;
}

/** Per-file lookups the resolver needs, built once when the file is added. */
export interface FileInfo {
  ast: FileAst;
  byPath: Map<string, AstDefinition[]>;
  /** Definitions by parent path; top-level ones under the file's own path. */
  children: Map<string, AstDefinition[]>;
  /** Import usages by the local name they bind (alias, else name); `*` imports without alias under ''. */
  imports: Map<string, AstUsage[]>;
  moduleKeys: ModuleKey[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, keep: (v: V) => boolean): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter(keep);
  if (kept.length > 0) map.set(key, kept);
  else map.delete(key);
}

export class AstIndex {
  private readonly files = new Map<string, FileInfo>();
  private readonly defsByPath = new Map<string, DefRef[]>();
  private readonly defsByName = new Map<string, DefRef[]>();
  /**
   * Usages by name, built on the first `usagesNamed` call and kept current after that. Only
   * "find usages" needs it, and a workspace re-open would otherwise spend a large share of its
   * time and memory on 700k+ entries before anyone asks.
   */
  private usagesByName: Map<string, UsageRef[]> | null = null;
  private readonly filesByKey = new Map<string, string[]>();
  private readonly extensionsByType = new Map<string, { file: string; ext: AstExtension }[]>();
  private definitionCount = 0;
  private usageCount = 0;
  /** Bumped on every change; caches keyed on it are dropped when it moves. */
  generation = 0;
  readonly cache = new Map<string, unknown>();

  get fileCount(): number {
    return this.files.size;
  }

  get definitionTotal(): number {
    return this.definitionCount;
  }

  get usageTotal(): number {
    return this.usageCount;
  }

  /** Adds a file, or replaces the one at the same path. */
  setFile(ast: FileAst): void {
    this.removeFile(ast.path);
    const info: FileInfo = { ast, byPath: new Map(), children: new Map(), imports: new Map(), moduleKeys: keysOfFile(ast.path, ast.language) };
    for (const def of ast.definitions) {
      push(info.byPath, def.path, def);
      push(info.children, def.parent ?? ast.filePath, def);
      // One ref object serves both maps: a large workspace has hundreds of thousands of them.
      const ref = { file: ast.path, def };
      push(this.defsByPath, def.path, ref);
      push(this.defsByName, def.name, ref);
    }
    ast.usages.forEach((usage, index) => {
      if (usage.kind === 'import') push(info.imports, usage.alias ?? (usage.name === '*' ? '' : usage.name), usage);
      if (this.usagesByName) push(this.usagesByName, usage.name, { file: ast.path, index });
    });
    for (const ext of ast.extensions) push(this.extensionsByType, ext.type, { file: ast.path, ext });
    for (const key of info.moduleKeys) push(this.filesByKey, `${key.kind}:${key.key}`, ast.path);
    this.files.set(ast.path, info);
    this.definitionCount += ast.definitions.length;
    this.usageCount += ast.usages.length;
    this.changed();
  }

  removeFile(path: string): boolean {
    const info = this.files.get(path);
    if (!info) return false;
    const other = (ref: { file: string }) => ref.file !== path;
    for (const def of info.ast.definitions) {
      pull(this.defsByPath, def.path, other);
      pull(this.defsByName, def.name, other);
    }
    const usagesByName = this.usagesByName;
    if (usagesByName) for (const usage of info.ast.usages) pull(usagesByName, usage.name, other);
    for (const ext of info.ast.extensions) pull(this.extensionsByType, ext.type, other);
    for (const key of info.moduleKeys) pull(this.filesByKey, `${key.kind}:${key.key}`, (p) => p !== path);
    this.files.delete(path);
    this.definitionCount -= info.ast.definitions.length;
    this.usageCount -= info.ast.usages.length;
    this.changed();
    return true;
  }

  file(path: string): FileInfo | undefined {
    return this.files.get(path);
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  byPath(officialPath: string): readonly DefRef[] {
    return this.defsByPath.get(officialPath) ?? [];
  }

  byName(name: string): readonly DefRef[] {
    return this.defsByName.get(name) ?? [];
  }

  names(): IterableIterator<string> {
    return this.defsByName.keys();
  }

  usagesNamed(name: string): readonly UsageRef[] {
    if (!this.usagesByName) {
      const built = new Map<string, UsageRef[]>();
      for (const [file, info] of this.files) info.ast.usages.forEach((usage, index) => push(built, usage.name, { file, index }));
      this.usagesByName = built;
    }
    return this.usagesByName.get(name) ?? [];
  }

  usage(ref: UsageRef): AstUsage | undefined {
    return this.files.get(ref.file)?.ast.usages[ref.index];
  }

  filesWithKey(key: ModuleKey): readonly string[] {
    return this.filesByKey.get(`${key.kind}:${key.key}`) ?? [];
  }

  extensionsOf(typeName: string): readonly { file: string; ext: AstExtension }[] {
    return this.extensionsByType.get(typeName) ?? [];
  }

  private changed(): void {
    this.generation++;
    this.cache.clear();
  }
}
