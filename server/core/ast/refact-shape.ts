/**
 * Our definitions in Refact's wire shape (`AstDefinition` of `/v1/ast-file-symbols`), and the
 * line dump of `/v1/ast-file-dump`. Pure.
 */
import type { RefactAstDefinition } from '../../../src/protocol/workspace';
import type { Resolution } from './resolve';
import type { AstDefinition, SymbolKind } from './types';

const SYMBOL_TYPE: Record<SymbolKind, string> = {
  function: 'FunctionDeclaration',
  method: 'FunctionDeclaration',
  class: 'StructDeclaration',
  struct: 'StructDeclaration',
  interface: 'StructDeclaration',
  enum: 'StructDeclaration',
  trait: 'StructDeclaration',
  namespace: 'Module',
  type_alias: 'TypeAlias',
  field: 'ClassFieldDeclaration',
  constant: 'VariableDefinition',
  variable: 'VariableDefinition',
};

const CLASS_KINDS = new Set<SymbolKind>(['class', 'struct', 'interface', 'enum', 'trait']);

/** `usages` are the file's resolved usages; each goes to the innermost definition whose scope it is in. */
export function toRefactDefinition(def: AstDefinition, filePath: string, usages: readonly Resolution[]): RefactAstDefinition {
  return {
    official_path: def.path.split('::'),
    symbol_type: SYMBOL_TYPE[def.kind],
    usages: usages
      .filter((r) => r.usage.scope === def.path)
      .map((r) => ({
        targets_for_guesswork: r.candidates.length ? r.candidates : [r.usage.target],
        resolved_as: r.target ?? '',
        debug_hint: r.how,
        uline: r.usage.line - 1,
      })),
    resolved_type: def.type ?? '',
    this_is_a_class: CLASS_KINDS.has(def.kind) ? def.name : '',
    this_class_derived_from: def.bases,
    cpath: filePath,
    decl_line1: def.declLine1,
    decl_line2: def.declLine2,
    body_line1: def.bodyLine1,
    body_line2: def.bodyLine2,
  };
}

/** One line per source line: number, the first 40 characters, and the innermost symbol around it. */
export function dumpFile(text: string, definitions: readonly AstDefinition[]): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines
    .map((line, i) => {
      const n = i + 1;
      const around = innermost(definitions, n);
      return `${String(n).padStart(4, '0')} ${line.slice(0, 40).padEnd(40)} ${around ? around.path : ''}`.trimEnd();
    })
    .join('\n')
    .concat('\n');
}

function innermost(definitions: readonly AstDefinition[], line: number): AstDefinition | undefined {
  let best: AstDefinition | undefined;
  for (const def of definitions) {
    const end = Math.max(def.declLine2, def.bodyLine2);
    if (line < def.declLine1 || line > end) continue;
    if (!best || end - def.declLine1 < Math.max(best.declLine2, best.bodyLine2) - best.declLine1) best = def;
  }
  return best;
}
