/**
 * How a parse outcome is stored: a per-file string table and rows of numbers instead of JSON
 * objects. A workspace re-open decodes every stored file, and this form is about a third of
 * the JSON's size, parses faster, and lets each distinct string be pooled once per file
 * instead of once per use.
 */
import type { StringPool } from './intern';
import type { AstDefinition, AstUsage, FileAst, ParseOutcome, SymbolKind, UsageKind } from './types';

/** Bump when the encoded layout changes. */
export const CODEC_VERSION = 1;

const NONE = -1;

interface EncodedFile {
  v: number;
  /** The file's strings; every other string field is an index into this table. */
  s: string[];
  /** path, language, filePath, lines */
  f: [number, number, number, number];
  /** Per definition: path, name, kind, parent, declLine1, declLine2, bodyLine1, bodyLine2, signature, type, ...bases. */
  d: number[][];
  /** Per usage: kind, name, target, receiverType, line, scope, module, alias, ...qualifier. */
  u: number[][];
  x: FileAst['extensions'];
  e: FileAst['errors'];
}

type Encoded = EncodedFile | { v: number; skip: Extract<ParseOutcome, { ok: false }> };

export function encodeOutcome(outcome: ParseOutcome): string {
  if (!outcome.ok) return JSON.stringify({ v: CODEC_VERSION, skip: outcome });
  const table: string[] = [];
  const indexOf = new Map<string, number>();
  const s = (value: string): number => {
    let i = indexOf.get(value);
    if (i === undefined) {
      i = table.length;
      table.push(value);
      indexOf.set(value, i);
    }
    return i;
  };
  const opt = (value: string | null | undefined): number => (typeof value === 'string' ? s(value) : NONE);
  const file = outcome.file;
  const encoded: EncodedFile = {
    v: CODEC_VERSION,
    s: table,
    f: [s(file.path), s(file.language), s(file.filePath), file.lines],
    d: file.definitions.map((d) => [s(d.path), s(d.name), s(d.kind), opt(d.parent), d.declLine1, d.declLine2, d.bodyLine1, d.bodyLine2, s(d.signature), opt(d.type), ...d.bases.map(s)]),
    u: file.usages.map((u) => [s(u.kind), s(u.name), s(u.target), opt(u.receiverType), u.line, s(u.scope), opt(u.module), opt(u.alias), ...u.qualifier.map(s)]),
    x: file.extensions,
    e: file.errors,
  };
  return JSON.stringify(encoded);
}

/** Decodes a stored outcome, pooling its strings; null for another codec version or garbage. */
export function decodeOutcome(text: string, pool: StringPool): ParseOutcome | null {
  let encoded: Encoded;
  try {
    encoded = JSON.parse(text) as Encoded;
  } catch {
    return null;
  }
  if (encoded?.v !== CODEC_VERSION) return null;
  if ('skip' in encoded) return encoded.skip;
  // Paths, scopes and signatures belong to this file alone, so they stay as decoded; names,
  // kinds, targets and modules recur across files and are pooled, each once per file.
  const table = encoded.s;
  const pooled: (string | undefined)[] = new Array(table.length);
  const at = (i: number): string => table[i]!;
  const shared = (i: number): string => (pooled[i] ??= pool.intern(table[i]!));
  const opt = (i: number): string | undefined => (i === NONE ? undefined : shared(i));
  const definitions = encoded.d.map((row): AstDefinition => {
    const def: AstDefinition = {
      path: at(row[0]!),
      name: shared(row[1]!),
      kind: shared(row[2]!) as SymbolKind,
      parent: row[3] === NONE ? null : at(row[3]!),
      declLine1: row[4]!,
      declLine2: row[5]!,
      bodyLine1: row[6]!,
      bodyLine2: row[7]!,
      signature: at(row[8]!),
      bases: row.length > 10 ? row.slice(10).map(shared) : [],
    };
    const type = opt(row[9]!);
    if (type !== undefined) def.type = type;
    return def;
  });
  const usages = encoded.u.map((row): AstUsage => {
    const usage: AstUsage = {
      kind: shared(row[0]!) as UsageKind,
      name: shared(row[1]!),
      target: shared(row[2]!),
      qualifier: row.length > 8 ? row.slice(8).map(shared) : [],
      line: row[4]!,
      scope: at(row[5]!),
    };
    const receiverType = opt(row[3]!);
    const module = opt(row[6]!);
    const alias = opt(row[7]!);
    if (receiverType !== undefined) usage.receiverType = receiverType;
    if (module !== undefined) usage.module = module;
    if (alias !== undefined) usage.alias = alias;
    return usage;
  });
  const [path, language, filePath, lines] = encoded.f;
  const file: FileAst = {
    path: at(path),
    language: shared(language) as FileAst['language'],
    filePath: at(filePath),
    lines,
    definitions,
    usages,
    extensions: encoded.x,
    errors: encoded.e,
  };
  return { ok: true, file };
}
