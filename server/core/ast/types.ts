/**
 * The shapes of one parsed file and of the definitions and usages in it. Everything here is plain
 * data that crosses the worker boundary by structured clone and can be stored as JSON.
 */

export type LanguageId =
  | 'typescript' | 'tsx' | 'javascript' | 'python' | 'rust' | 'go' | 'java' | 'c' | 'cpp'
  | 'csharp' | 'kotlin' | 'ruby' | 'php';

export type SymbolKind =
  | 'function' | 'method' | 'class' | 'struct' | 'interface' | 'enum' | 'trait' | 'namespace'
  | 'type_alias' | 'field' | 'constant' | 'variable';

/** Kinds that own members, so that `obj.member` looks inside them and their bases. */
export const CLASS_LIKE: ReadonlySet<SymbolKind> = new Set(['class', 'struct', 'interface', 'enum', 'trait']);

export interface AstDefinition {
  /** Official path, `src::geo::point::Point::norm`: the file's path then the enclosing names. */
  path: string;
  name: string;
  kind: SymbolKind;
  /** Official path of the enclosing definition (or of an `impl`/receiver owner), null at top level. */
  parent: string | null;
  /** 1-based, inclusive. The declaration runs from the first line to where the body starts. */
  declLine1: number;
  declLine2: number;
  /** 1-based body range, 0 and 0 when the definition has no body (fields, signatures, variables). */
  bodyLine1: number;
  bodyLine2: number;
  /** The declaration text without its body, one line, for skeletons and listings. */
  signature: string;
  /** Textual base classes, interfaces and traits, as written (`Animal`, `py_lib.Goat`). */
  bases: string[];
  /** Declared or inferred type of a field or variable, or the return type of a function. */
  type?: string;
}

export type UsageKind = 'call' | 'type' | 'reference' | 'import';

export interface AstUsage {
  kind: UsageKind;
  /** The identifier looked up: the last segment of `target`. For a module import, `*`. */
  name: string;
  /** The text as written, segments joined by `.`: `self.review`, `util.log`, `Point::new` → `Point.new`. */
  target: string;
  /**
   * Segments before `name`. The first may be `@this` (this/self) or `@super` (super/base),
   * so that the resolver can look in the enclosing class and its bases.
   */
  qualifier: string[];
  /** Type of the qualifier's first segment when the file says it (a typed parameter, `new X()`). */
  receiverType?: string;
  line: number;
  /** Official path of the enclosing definition, or the file's own path at top level. */
  scope: string;
  /** Imports only: the module specifier as written (`./person`, `py_goat_library`, `crate::shapes`). */
  module?: string;
  /** Imports only: the local name it is bound to when that differs from `name`. */
  alias?: string;
}

/** A hierarchy fact stated away from the class itself: Rust `impl Trait for Type`. */
export interface AstExtension {
  type: string;
  bases: string[];
  line: number;
}

export interface SyntaxErrors {
  /** Number of ERROR and MISSING nodes; a file with errors is still indexed. */
  count: number;
  /** First few 1-based lines with an error. */
  lines: number[];
}

export interface FileAst {
  path: string;
  language: LanguageId;
  /** The official path of the file itself, `src::geo::point`. */
  filePath: string;
  lines: number;
  definitions: AstDefinition[];
  usages: AstUsage[];
  extensions: AstExtension[];
  errors: SyntaxErrors;
}

export type SkipReason =
  | 'unsupported-language' | 'too-large' | 'generated' | 'too-many-symbols' | 'parse-timeout'
  | 'parse-failed' | 'task-timeout' | 'task-crashed' | 'aborted';

export type ParseOutcome =
  | { ok: true; file: FileAst }
  | { ok: false; path: string; reason: SkipReason; message: string };

export interface ParseLimits {
  /** Files larger than this many UTF-16 code units are not parsed. */
  maxChars: number;
  /** Files with more definitions plus usages than this are rejected as generated. */
  maxSymbols: number;
  /** A single line longer than this marks a minified or generated file. */
  maxLineLength: number;
  /** Parsing is cancelled after this many milliseconds. */
  parseBudgetMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxChars: 4_000_000,
  maxSymbols: 30_000,
  maxLineLength: 4_000,
  parseBudgetMs: 5_000,
};
