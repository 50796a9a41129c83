/**
 * A file's skeleton: the signatures of its definitions, nested as in the source, with bodies
 * left out (`{ ... }` in brace languages, `...` in Python, `end` in Ruby), as Refact shows
 * them to models in place of whole files.
 */
import { CLASS_LIKE, type AstDefinition, type FileAst } from './types';

type Style = 'braces' | 'indent' | 'end';

function styleOf(file: FileAst): Style {
  if (file.language === 'python') return 'indent';
  if (file.language === 'ruby') return 'end';
  return 'braces';
}

export function skeleton(file: FileAst, indentUnit = '  '): string {
  const style = styleOf(file);
  const children = new Map<string, AstDefinition[]>();
  for (const def of file.definitions) {
    const parent = def.parent !== null && file.definitions.some((d) => d.path === def.parent) ? def.parent : file.filePath;
    const list = children.get(parent) ?? [];
    list.push(def);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const emit = (parent: string, depth: number) => {
    const defs = (children.get(parent) ?? []).sort((a, b) => a.declLine1 - b.declLine1);
    for (const def of defs) {
      const pad = indentUnit.repeat(depth);
      const nested = CLASS_LIKE.has(def.kind) || def.kind === 'namespace';
      if (nested) {
        lines.push(`${pad}${def.signature}${style === 'braces' ? ' {' : style === 'indent' ? ':' : ''}`);
        emit(def.path, depth + 1);
        if (style === 'braces') lines.push(`${pad}}`);
        else if (style === 'end') lines.push(`${pad}end`);
      } else if (def.bodyLine1 > 0 && (def.kind === 'function' || def.kind === 'method')) {
        if (style === 'braces') lines.push(`${pad}${def.signature} { ... }`);
        else if (style === 'indent') lines.push(`${pad}${def.signature}:`, `${pad}${indentUnit}...`);
        else lines.push(`${pad}${def.signature} ... end`);
      } else {
        lines.push(`${pad}${def.signature}`);
      }
    }
  };
  emit(file.filePath, 0);
  return lines.join('\n');
}
