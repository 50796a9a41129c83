/**
 * Shares repeated strings between parsed files. Outcomes come from JSON or from another thread,
 * so every file brings its own copy of the same scope paths, kinds and names; a large workspace
 * holds hundreds of thousands of them. One pool per index keeps one copy of each.
 */
import type { FileAst } from './types';

// Frozen, so that code which pushes into an empty list it was given fails loudly instead of
// changing every file's list at once.
const NONE = Object.freeze([]) as unknown as string[];

export class StringPool {
  private readonly strings = new Map<string, string>();

  get size(): number {
    return this.strings.size;
  }

  intern<T extends string | null | undefined>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  /**
   * Rewrites the strings that recur across files (names, kinds, targets, modules) in place to
   * their pooled copies. Paths, scopes and signatures are the file's own and are left alone.
   */
  internFile(file: FileAst): FileAst {
    for (const usage of file.usages) {
      usage.kind = this.intern(usage.kind);
      usage.name = this.intern(usage.name);
      usage.target = this.intern(usage.target);
      usage.qualifier = usage.qualifier.length ? usage.qualifier.map((q) => this.intern(q)) : NONE;
      if (usage.module !== undefined) usage.module = this.intern(usage.module);
      if (usage.receiverType !== undefined) usage.receiverType = this.intern(usage.receiverType);
    }
    for (const def of file.definitions) {
      def.kind = this.intern(def.kind);
      def.name = this.intern(def.name);
      def.bases = def.bases.length ? def.bases.map((b) => this.intern(b)) : NONE;
      if (def.type !== undefined) def.type = this.intern(def.type);
    }
    return file;
  }
}
