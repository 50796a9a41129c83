/**
 * The language-neutral half of extraction: a walk over a syntax tree that keeps a stack of scopes
 * and collects definitions and usages. Each language supplies visitors for the node types that
 * declare or use something; everything else is walked through.
 */
import { joinPath } from './official-path';
import type { SyntaxCursor, SyntaxNode } from './syntax';
import type { AstDefinition, AstExtension, AstUsage, LanguageId, SymbolKind, UsageKind } from './types';

/** Handles one node; returns true when it walked the subtree itself, false to let the walk descend. */
export type Visitor = (node: SyntaxNode, x: Extraction) => boolean;

export interface LanguageRules {
  language: LanguageId;
  visitors: Record<string, Visitor>;
  /** Node types that name a value; in expression position they are references. */
  identifiers: ReadonlySet<string>;
  /** Node types that name a type; they are type references wherever the walk meets them. */
  typeIdentifiers: ReadonlySet<string>;
  /** Fields under which an identifier declares or labels rather than refers (`name`, `property`). */
  notReferenceFields: ReadonlySet<string>;
  /** Parents under which an identifier is not a reference (parameter lists, labels). */
  notReferenceParents: ReadonlySet<string>;
  /** Words that stand for the current object or its base: `this`, `self`, `super`, `base`. */
  receiverWords: Readonly<Record<string, '@this' | '@super'>>;
  /** Predeclared names (`len`, `print`, `string`) that no workspace file defines; not recorded. */
  builtins?: ReadonlySet<string>;
}

export type ScopeKind = 'file' | 'class' | 'function' | 'namespace';

interface Scope {
  path: string;
  kind: ScopeKind;
  /** Parameters and local variables with their declared or inferred type, functions only. */
  locals: Map<string, string | null> | null;
}

export interface DefineOptions {
  /** The body node: the declaration ends where it starts. */
  body?: SyntaxNode | null;
  bases?: string[];
  type?: string | null;
  /** Overrides the parent path, for methods declared away from their type (Rust impl, Go receivers). */
  parentPath?: string;
  /** Overrides the signature taken from the source, where the node leaves out a keyword. */
  signature?: string;
}

/** Thrown to stop walking a file that has more symbols than the limit allows. */
export class TooManySymbols extends Error {}

const SIGNATURE_MAX = 300;

export class Extraction {
  readonly definitions: AstDefinition[] = [];
  readonly usages: AstUsage[] = [];
  readonly extensions: AstExtension[] = [];
  errorCount = 0;
  readonly errorLines: number[] = [];
  private readonly scopes: Scope[];
  private readonly seen = new Set<string>();
  // Maps, not the rules' object literals: a name like `constructor` or `hasOwnProperty` must not
  // find Object.prototype's members.
  private readonly visitors: ReadonlyMap<string, Visitor>;
  private readonly receiverWords: ReadonlyMap<string, '@this' | '@super'>;

  constructor(
    readonly rules: LanguageRules,
    readonly filePath: string,
    readonly text: string,
    private readonly maxSymbols: number,
  ) {
    this.scopes = [{ path: filePath, kind: 'file', locals: null }];
    this.visitors = new Map(Object.entries(rules.visitors));
    this.receiverWords = new Map(Object.entries(rules.receiverWords));
  }

  get scopePath(): string {
    return this.scopes[this.scopes.length - 1]!.path;
  }

  get scopeKind(): ScopeKind {
    return this.scopes[this.scopes.length - 1]!.kind;
  }

  /** True inside a function or method body (where declarations are locals, not definitions). */
  get inFunction(): boolean {
    return this.scopes.some((s) => s.kind === 'function');
  }

  /** Official path of the nearest enclosing class, or null. */
  get classPath(): string | null {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.kind === 'class') return this.scopes[i]!.path;
    return null;
  }

  hasDefinition(path: string): boolean {
    return this.definitions.some((d) => d.path === path);
  }

  define(node: SyntaxNode, name: string, kind: SymbolKind, options: DefineOptions = {}): AstDefinition {
    const parent = options.parentPath ?? (this.scopeKind === 'file' ? null : this.scopePath);
    const body = options.body ?? null;
    const declLine2 = body ? Math.max(node.startPosition.row, body.startPosition.row) + 1 : node.endPosition.row + 1;
    const def: AstDefinition = {
      path: joinPath(parent ?? this.filePath, name),
      name,
      kind,
      parent,
      declLine1: node.startPosition.row + 1,
      declLine2,
      bodyLine1: body ? body.startPosition.row + 1 : 0,
      bodyLine2: body ? body.endPosition.row + 1 : 0,
      signature: options.signature ?? this.signature(node, body),
      bases: options.bases ?? [],
    };
    if (options.type) def.type = options.type;
    this.definitions.push(def);
    this.checkLimit();
    return def;
  }

  /** Runs `walk` with a new scope on the stack: a definition's path, or a namespace. */
  within(path: string, kind: ScopeKind, walk: () => void): void {
    this.scopes.push({ path, kind, locals: kind === 'file' ? null : new Map() });
    try {
      walk();
    } finally {
      this.scopes.pop();
    }
  }

  /**
   * Declares a parameter, local variable or type parameter in the innermost scope that is not
   * the file (top-level names are definitions instead).
   */
  local(name: string, type: string | null = null): void {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const locals = this.scopes[i]!.locals;
      if (locals) {
        if (!locals.has(name) || type) locals.set(name, type);
        return;
      }
    }
  }

  /** The type of a local (null when unknown), or undefined when the name is not a local. */
  localType(name: string): string | null | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const locals = this.scopes[i]!.locals;
      if (locals?.has(name)) return locals.get(name) ?? null;
    }
    return undefined;
  }

  /**
   * Records a usage of `segments` (`['self', 'review']`). The first segment is normalised: a
   * receiver word becomes `@this`/`@super`; a local gives its type. A bare local is no usage.
   */
  use(kind: UsageKind, segments: string[], line: number, receiverType?: string | null): void {
    const cleaned = segments.filter((s) => s !== '');
    if (cleaned.length === 0) return;
    const first = cleaned[0]!;
    if (cleaned.length === 1 && this.rules.builtins?.has(first)) return;
    const word = this.receiverWords.get(first);
    let type = receiverType ?? undefined;
    if (word) {
      if (cleaned.length === 1) return;
      cleaned[0] = word;
    } else {
      const local = this.localType(first);
      if (local !== undefined) {
        if (cleaned.length === 1) return;
        if (kind !== 'type') type ??= local ?? '?';
      }
    }
    const target = segments.join('.');
    const key = `${kind}|${target}|${line}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const usage: AstUsage = { kind, name: cleaned[cleaned.length - 1]!, target, qualifier: cleaned.slice(0, -1), line, scope: this.scopePath };
    if (type) usage.receiverType = type;
    this.usages.push(usage);
    this.checkLimit();
  }

  /** Records an import of `name` (or `*` for the module itself) from `module`, bound to `alias`. */
  importName(module: string, name: string, alias: string | null, line: number): void {
    const usage: AstUsage = { kind: 'import', name, target: name === '*' ? module : module.endsWith('.') ? `${module}${name}` : `${module}.${name}`, qualifier: [], line, scope: this.scopePath, module };
    if (alias && alias !== name) usage.alias = alias;
    this.usages.push(usage);
    this.checkLimit();
  }

  extend(type: string, bases: string[], line: number): void {
    if (bases.length > 0) this.extensions.push({ type, bases, line });
  }

  /** Walks a node: its visitor if it has one, else its children. */
  walk(node: SyntaxNode | null | undefined): void {
    if (!node) return;
    const visit = this.visitors.get(node.type);
    if (visit && visit(node, this)) return;
    if (!visit && this.rules.identifiers.has(node.type)) {
      this.use('reference', [node.text], node.startPosition.row + 1);
      return;
    }
    if (!visit && this.rules.typeIdentifiers.has(node.type)) {
      this.use('type', [node.text], node.startPosition.row + 1);
      return;
    }
    this.walkChildren(node);
  }

  /** Walks the children of a node (not the node's own visitor). */
  walkChildren(node: SyntaxNode): void {
    const cursor = node.walk();
    try {
      if (cursor.gotoFirstChild()) this.walkSiblings(cursor, node.type);
    } finally {
      cursor.delete();
    }
  }

  /** Walks the named fields of a node, in the order given. */
  walkFields(node: SyntaxNode, ...names: string[]): void {
    for (const name of names) for (const child of node.childrenForFieldName(name)) this.walk(child);
  }

  private walkSiblings(cursor: SyntaxCursor, parentType: string): void {
    const { identifiers, typeIdentifiers, notReferenceFields, notReferenceParents } = this.rules;
    const visitors = this.visitors;
    do {
      if (cursor.nodeIsMissing) this.noteError(cursor.startPosition.row);
      if (!cursor.nodeIsNamed) continue;
      const type = cursor.nodeType;
      if (type === 'ERROR') this.noteError(cursor.startPosition.row);
      const visit = visitors.get(type);
      if (visit) {
        if (visit(cursor.currentNode, this)) continue;
      } else if (identifiers.has(type)) {
        const fieldName = cursor.currentFieldName;
        if ((fieldName === null || !notReferenceFields.has(fieldName)) && !notReferenceParents.has(parentType)) {
          this.use('reference', [cursor.nodeText], cursor.startPosition.row + 1);
        }
        continue;
      } else if (typeIdentifiers.has(type)) {
        this.use('type', [cursor.nodeText], cursor.startPosition.row + 1);
        continue;
      }
      if (cursor.gotoFirstChild()) {
        this.walkSiblings(cursor, type);
        cursor.gotoParent();
      }
    } while (cursor.gotoNextSibling());
  }

  private noteError(row: number): void {
    this.errorCount++;
    if (this.errorLines.length < 10 && !this.errorLines.includes(row + 1)) this.errorLines.push(row + 1);
  }

  private checkLimit(): void {
    if (this.definitions.length + this.usages.length > this.maxSymbols) throw new TooManySymbols();
  }

  private signature(node: SyntaxNode, body: SyntaxNode | null): string {
    let raw = body && body.startIndex > node.startIndex ? this.text.slice(node.startIndex, body.startIndex) : node.text;
    if (!body) {
      const newline = raw.indexOf('\n');
      if (newline >= 0) raw = raw.slice(0, newline);
    }
    let sig = raw.replace(/\s+/g, ' ').trim();
    if (body) sig = sig.replace(/\s*(\{|:|=>|=|->)$/, '');
    return sig.length > SIGNATURE_MAX ? `${sig.slice(0, SIGNATURE_MAX)}…` : sig;
  }
}

/** Text of a dotted or scoped name as segments: `a.b.c`, `a::b::c`, `a\b\c` → `['a','b','c']`. */
export function segmentsOf(text: string): string[] {
  return text.split(/::|\.|\\|->/).map((s) => s.trim()).filter((s) => s !== '');
}

/** A type as written, reduced to its name: `Optional[Goat]` stays, `&mut Point<T>` → `Point`. */
export function typeName(text: string | null | undefined): string | null {
  if (!text) return null;
  let t = text.trim().replace(/^[:\s]+/, '');
  t = t.replace(/^(&\s*(mut\s+)?|\*+|const\s+|readonly\s+)/, '').replace(/[*&?\s]+$/, '');
  if (t.endsWith(']') && /\[\s*\]$/.test(t)) return null;
  const generic = t.search(/[<[(]/);
  if (generic > 0) t = t.slice(0, generic);
  t = t.trim();
  if (!/^[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*$/.test(t)) return null;
  return t;
}

/** How a language spells member access (`a.b`, `a->b`, `a::b`), for the shared call and member handlers. */
export interface MemberSyntax {
  /** Node type of a member access, with the fields of its object and its member name. */
  member: string;
  object: string;
  property: string;
  /** The access as name segments, or null when its innermost object is computed. */
  chain(node: SyntaxNode): string[] | null;
}

/** Walks the innermost computed object of a member chain (a call's result, a literal). */
export function walkChainRoot(x: Extraction, node: SyntaxNode, syntax: MemberSyntax): void {
  let current: SyntaxNode | null = node;
  while (current?.type === syntax.member) current = current.childForFieldName(syntax.object);
  if (current) x.walk(current);
}

/** Records the callee of a call: a named chain, or a method called on a computed value. */
export function useCallee(x: Extraction, callee: SyntaxNode | null, syntax: MemberSyntax, line: number): void {
  if (!callee) return;
  const segs = syntax.chain(callee);
  if (segs) {
    x.use('call', segs, line);
    return;
  }
  walkChainRoot(x, callee, syntax);
  const property = callee.type === syntax.member ? callee.childForFieldName(syntax.property) : null;
  if (property) x.use('call', ['?', property.text], line);
}

/** A visitor for member accesses outside calls: a reference to the chain, or a walk of its root. */
export function memberVisitor(syntax: MemberSyntax, kind: UsageKind = 'reference'): Visitor {
  return (node, x) => {
    const segs = syntax.chain(node);
    if (segs) x.use(kind, segs, node.startPosition.row + 1);
    else walkChainRoot(x, node, syntax);
    return true;
  };
}

/** A visitor for calls whose callee and arguments are in the given fields. */
export function callVisitor(syntax: MemberSyntax, calleeField = 'function', ...argumentFields: string[]): Visitor {
  const fields = argumentFields.length ? argumentFields : ['arguments'];
  return (node, x) => {
    useCallee(x, node.childForFieldName(calleeField), syntax, node.startPosition.row + 1);
    x.walkFields(node, ...fields);
    return true;
  };
}
