/**
 * Go: imports (a package is a folder), functions, methods (children of their receiver's type),
 * structs with embedded types as bases, interfaces, type declarations, top-level `const` and
 * `var`, and calls, selectors and type references inside bodies.
 */
import { Extraction, callVisitor, memberVisitor, typeName, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId } from '../types';

function chain(node: SyntaxNode): string[] | null {
  if (node.type === 'identifier' || node.type === 'field_identifier' || node.type === 'package_identifier' || node.type === 'type_identifier') return [node.text];
  if (node.type === 'selector_expression') {
    const operand = node.childForFieldName('operand');
    const fieldNode = node.childForFieldName('field');
    const head = operand ? chain(operand) : null;
    return head && fieldNode ? [...head, fieldNode.text] : null;
  }
  if (node.type === 'parenthesized_expression' && node.namedChild(0)) return chain(node.namedChild(0)!);
  return null;
}

const SYNTAX: MemberSyntax = { member: 'selector_expression', object: 'operand', property: 'field', chain };

function typeText(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'pointer_type' || node.type === 'generic_type') return typeText(node.namedChild(0));
  if (node.type === 'qualified_type') return node.text;
  return typeName(node.text);
}

/** The type a value is built as: `Point{...}`, `&Point{...}`, `NewPoint(...)` by convention. */
function valueType(value: SyntaxNode | null | undefined): string | null {
  if (!value) return null;
  if (value.type === 'unary_expression') return valueType(value.childForFieldName('operand'));
  if (value.type === 'composite_literal') return typeText(value.childForFieldName('type'));
  if (value.type === 'call_expression') {
    const segs = chain(value.childForFieldName('function') ?? value);
    const last = segs?.[segs.length - 1];
    return last?.startsWith('New') && last.length > 3 ? last.slice(3) : null;
  }
  return null;
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    const type = param.childForFieldName('type');
    for (const name of param.childrenForFieldName('name')) x.local(name.text, typeText(type));
    x.walk(type);
  }
}

function walkFunction(node: SyntaxNode, path: string, x: Extraction, receiver: SyntaxNode | null = null): void {
  x.within(path, 'function', () => {
    declareParameters(receiver, x);
    x.walk(node.childForFieldName('type_parameters'));
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(node.childForFieldName('result'));
    x.walk(node.childForFieldName('body'));
  });
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const def = x.define(node, name.text, 'function', { body: node.childForFieldName('body'), type: typeText(node.childForFieldName('result')) });
  walkFunction(node, def.path, x);
  return true;
};

const visitMethod: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const receiver = node.childForFieldName('receiver');
  const owner = typeText(receiver?.namedChild(0)?.childForFieldName('type') ?? null);
  if (!name) return false;
  const def = x.define(node, name.text, 'method', { body: node.childForFieldName('body'), type: typeText(node.childForFieldName('result')), parentPath: owner ? `${x.filePath}::${owner}` : undefined });
  walkFunction(node, def.path, x, receiver);
  return true;
};

const visitTypeSpec: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const type = node.childForFieldName('type');
  if (!name) return false;
  if (node.type === 'type_alias' || (type?.type !== 'struct_type' && type?.type !== 'interface_type')) {
    x.define(node, name.text, 'type_alias', { type: typeText(type), signature: `type ${node.text.split('\n')[0]}` });
    x.walk(type);
    return true;
  }
  const bases: string[] = [];
  const members: (() => void)[] = [];
  const list = type.type === 'struct_type' ? type.namedChildren.find((c) => c.type === 'field_declaration_list') : type;
  for (const member of list?.namedChildren ?? []) {
    if (member.type === 'field_declaration') {
      const names = member.childrenForFieldName('name');
      const fieldType = member.childForFieldName('type');
      if (names.length === 0 && fieldType) bases.push(typeText(fieldType) ?? fieldType.text);
      members.push(() => {
        for (const n of names) x.define(member, n.text, 'field', { type: typeText(fieldType) });
        x.walk(fieldType);
      });
    } else if (member.type === 'method_elem' || member.type === 'method_spec') {
      const methodName = member.childForFieldName('name');
      members.push(() => {
        if (methodName) x.define(member, methodName.text, 'method', { type: typeText(member.childForFieldName('result')) });
        x.walk(member.childForFieldName('parameters'));
        x.walk(member.childForFieldName('result'));
      });
    } else if (member.type === 'type_elem') {
      for (const t of member.namedChildren) bases.push(typeText(t) ?? t.text);
      members.push(() => x.walk(member));
    }
  }
  const kind = type.type === 'struct_type' ? 'struct' : 'interface';
  const def = x.define(node, name.text, kind, { body: type, bases, signature: `type ${name.text} ${kind}` });
  x.within(def.path, 'class', () => members.forEach((m) => m()));
  return true;
};

const visitSpec: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const values = node.childForFieldName('value')?.namedChildren ?? [];
  node.childrenForFieldName('name').forEach((name, i) => {
    const inferred = typeText(type) ?? valueType(values[i]);
    if (x.inFunction) x.local(name.text, inferred);
    else {
      const keyword = node.type === 'const_spec' ? 'const' : 'var';
      x.define(node, name.text, keyword === 'const' ? 'constant' : 'variable', { type: inferred, signature: `${keyword} ${node.text.split('\n')[0]}` });
    }
  });
  x.walk(type);
  x.walk(node.childForFieldName('value'));
  return true;
};

const visitShortVar: Visitor = (node, x) => {
  const values = node.childForFieldName('right')?.namedChildren ?? [];
  (node.childForFieldName('left')?.namedChildren ?? []).forEach((name, i) => {
    if (name.type === 'identifier') x.local(name.text, valueType(values[i]));
  });
  x.walk(node.childForFieldName('right'));
  return true;
};

const visitRange: Visitor = (node, x) => {
  for (const name of node.childForFieldName('left')?.namedChildren ?? []) if (name.type === 'identifier') x.local(name.text);
  x.walk(node.childForFieldName('right'));
  return true;
};

const visitImportSpec: Visitor = (node, x) => {
  const path = node.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '');
  if (!path) return true;
  const alias = node.childForFieldName('name');
  if (alias?.type === 'dot') x.importName(path, '*', null, line1(node));
  else if (alias?.type !== 'blank_identifier') x.importName(path, '*', alias?.text ?? path.slice(path.lastIndexOf('/') + 1), line1(node));
  return true;
};


const visitQualifiedType: Visitor = (node, x) => {
  x.use('type', node.text.split('.'), line1(node));
  return true;
};

const visitKeyed: Visitor = (node, x) => {
  // `Point{X: 1}`: the key names a field of the literal's type, not a variable.
  const key = node.childForFieldName('key') ?? node.namedChild(0);
  if (key && key.namedChild(0)?.type !== 'identifier') x.walk(key);
  x.walk(node.childForFieldName('value') ?? node.namedChild(1));
  return true;
};

const visitFuncLiteral: Visitor = (node, x) => {
  walkFunction(node, x.scopePath, x);
  return true;
};

const VISITORS: Record<string, Visitor> = {
  import_spec: visitImportSpec,
  package_clause: () => true,
  function_declaration: visitFunction,
  method_declaration: visitMethod,
  func_literal: visitFuncLiteral,
  type_spec: visitTypeSpec,
  type_alias: visitTypeSpec,
  const_spec: visitSpec,
  var_spec: visitSpec,
  short_var_declaration: visitShortVar,
  range_clause: visitRange,
  call_expression: callVisitor(SYNTAX, 'function', 'type_arguments', 'arguments'),
  selector_expression: memberVisitor(SYNTAX),
  qualified_type: visitQualifiedType,
  keyed_element: visitKeyed,
  interpreted_string_literal: () => true,
  raw_string_literal: () => true,
  comment: () => true,
  label_name: () => true,
};

export function goRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(['type_identifier']),
    notReferenceFields: new Set(['name', 'field', 'label']),
    notReferenceParents: new Set(['parameter_declaration', 'variadic_parameter_declaration']),
    receiverWords: {},
    builtins: new Set([
      'bool', 'byte', 'complex64', 'complex128', 'error', 'float32', 'float64', 'int', 'int8', 'int16', 'int32', 'int64', 'rune', 'string',
      'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'any', 'comparable', 'append', 'cap', 'clear', 'close', 'complex', 'copy',
      'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic', 'print', 'println', 'real', 'recover', 'nil', 'true', 'false', 'iota', '_',
    ]),
  };
}
