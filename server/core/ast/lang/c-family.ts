/**
 * C and C++: `#include "..."` (the header's names become visible), macros, functions and
 * prototypes, out-of-line methods (`void Goat::over()` is a child of `Goat`), structs, classes
 * and unions with their bases, enums, typedefs and `using` aliases, namespaces, top-level
 * variables; calls, `new`, field accesses, qualified names and type references inside bodies.
 */
import { Extraction, callVisitor, memberVisitor, typeName, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'field_identifier':
    case 'type_identifier':
    case 'namespace_identifier':
    case 'this':
      return [node.text];
    case 'field_expression': {
      const argument = node.childForFieldName('argument');
      const fieldNode = node.childForFieldName('field');
      const head = argument ? chain(argument) : null;
      return head && fieldNode ? [...head, fieldNode.text] : null;
    }
    case 'qualified_identifier': {
      const scope = node.childForFieldName('scope');
      const name = node.childForFieldName('name');
      const head = scope ? chain(scope) : [];
      const tail = name ? chain(name) : null;
      return head && tail ? [...head, ...tail] : null;
    }
    case 'template_function':
    case 'template_type':
      return node.childForFieldName('name') ? chain(node.childForFieldName('name')!) : null;
    case 'destructor_name':
    case 'operator_name':
      return [node.text];
    case 'parenthesized_expression':
    case 'pointer_expression':
      return node.namedChild(0) ? chain(node.namedChild(0)!) : null;
    default:
      return null;
  }
}

const SYNTAX: MemberSyntax = { member: 'field_expression', object: 'argument', property: 'field', chain };

function typeText(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'template_type') return typeText(node.childForFieldName('name'));
  if (node.type === 'qualified_identifier') return chain(node)?.join('::') ?? null;
  if (node.type === 'struct_specifier' || node.type === 'class_specifier') return typeText(node.childForFieldName('name'));
  if (node.type === 'primitive_type' || node.type === 'placeholder_type_specifier') return null;
  return typeName(node.text);
}

/** Unwraps pointer, reference, array and init declarators down to the declared name and the function declarator, if any. */
function declared(node: SyntaxNode | null): { name: SyntaxNode | null; fn: SyntaxNode | null } {
  let fn: SyntaxNode | null = null;
  let current = node;
  while (current) {
    if (current.type === 'function_declarator') fn ??= current;
    const inner: SyntaxNode | null = current.childForFieldName('declarator') ?? (current.type === 'reference_declarator' ? current.namedChild(0) : null);
    if (!inner) break;
    current = inner;
  }
  return { name: current, fn };
}

function declareParameters(fn: SyntaxNode | null, x: Extraction): void {
  for (const param of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    const type = param.childForFieldName('type');
    const { name } = declared(param.childForFieldName('declarator'));
    if (name?.type === 'identifier') x.local(name.text, typeText(type));
    x.walk(type);
    x.walk(param.childForFieldName('default_value'));
  }
}

const visitFunctionDefinition: Visitor = (node, x) => {
  const { name, fn } = declared(node.childForFieldName('declarator'));
  const segs = name ? chain(name) : null;
  if (!segs || !fn) return false;
  const body = node.childForFieldName('body');
  const owner = segs.slice(0, -1);
  const parentPath = owner.length ? [x.scopeKind === 'file' ? x.filePath : x.scopePath, ...owner].join('::') : undefined;
  const kind: SymbolKind = owner.length || x.scopeKind === 'class' ? 'method' : 'function';
  const def = x.define(node, segs[segs.length - 1]!, kind, { body, type: typeText(node.childForFieldName('type')), parentPath });
  x.within(def.path, 'function', () => {
    x.walk(node.childForFieldName('type'));
    declareParameters(fn, x);
    for (const child of node.namedChildren) if (child.type === 'field_initializer_list') for (const init of child.namedChildren) x.walk(init.namedChildren.find((c) => c.type === 'argument_list' || c.type === 'initializer_list'));
    x.walk(body);
  });
  return true;
};

/** `int x = 1;`, `void f(int);`, `Goat g(1);`: prototypes and variables (locals inside functions). */
const visitDeclaration: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const isConst = node.namedChildren.some((c) => c.type === 'type_qualifier' && c.text === 'const');
  const inClass = x.scopeKind === 'class';
  x.walk(type);
  for (const declarator of node.childrenForFieldName('declarator')) {
    const { name, fn } = declared(declarator);
    if (!name) continue;
    const value = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
    if (fn) {
      if (!x.inFunction) {
        x.define(node, name.text, inClass ? 'method' : 'function', { type: typeText(type) });
        x.within(`${x.scopePath}::${name.text}`, 'function', () => declareParameters(fn, x));
      }
      continue;
    }
    const inferred = typeText(type) ?? (value?.type === 'new_expression' ? typeText(value.childForFieldName('type')) : null);
    if (x.inFunction) x.local(name.text, inferred);
    else if (name.type === 'identifier' || name.type === 'field_identifier') x.define(node, name.text, inClass ? 'field' : isConst ? 'constant' : 'variable', { type: inferred });
    x.walk(value);
  }
  return true;
};

function visitRecord(kind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    if (!body) {
      if (name) x.use('type', chain(name) ?? [name.text], line1(name));
      return true;
    }
    const bases: string[] = [];
    for (const clause of node.namedChildren) {
      if (clause.type !== 'base_class_clause') continue;
      for (const base of clause.namedChildren) {
        const segs = chain(base);
        if (segs) {
          bases.push(segs.join('::'));
          x.use('type', segs, line1(base));
        }
      }
    }
    const def = name ? x.define(node, name.text, kind, { body, bases }) : null;
    x.within(def?.path ?? x.scopePath, 'class', () => x.walk(body));
    return true;
  };
}

const visitEnum: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name || !body) return false;
  const def = x.define(node, name.text, 'enum', { body });
  x.within(def.path, 'class', () => {
    for (const e of body.namedChildren) {
      const n = e.childForFieldName('name');
      if (n) x.define(e, n.text, 'field', { type: name.text });
      x.walk(e.childForFieldName('value'));
    }
  });
  return true;
};

const visitTypedef: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  x.walk(type);
  for (const declarator of node.childrenForFieldName('declarator')) {
    const { name } = declared(declarator);
    if (name && !x.inFunction) x.define(node, name.text, 'type_alias', { type: typeText(type) });
  }
  return true;
};

const visitAlias: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const type = node.childForFieldName('type');
  if (name && !x.inFunction) x.define(node, name.text, 'type_alias', { type: typeText(type?.childForFieldName('type') ?? type) });
  x.walk(type);
  return true;
};

const visitNamespace: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name) {
    x.walk(body);
    return true;
  }
  const def = x.define(node, name.text, 'namespace', { body });
  x.within(def.path, 'namespace', () => x.walk(body));
  return true;
};

const visitInclude: Visitor = (node, x) => {
  const path = node.childForFieldName('path');
  if (path?.type === 'string_literal') x.importName(path.text.replace(/^"|"$/g, ''), '*', null, line1(node));
  return true;
};

const visitMacro: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name && !x.inFunction) x.define(node, name.text, node.type === 'preproc_function_def' ? 'function' : 'constant');
  return true;
};

const visitNew: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const segs = type ? chain(type) : null;
  if (segs) x.use('call', segs, line1(node));
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitTemplateType: Visitor = (node, x) => {
  const segs = chain(node);
  if (segs) x.use('type', segs, line1(node));
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitTemplateParameters: Visitor = (node, x) => {
  for (const param of node.namedChildren) {
    const name = param.childForFieldName('name') ?? param.namedChildren.find((c) => c.type === 'type_identifier' || c.type === 'identifier');
    if (name) x.local(name.text);
  }
  return true;
};

const visitForRange: Visitor = (node, x) => {
  const { name } = declared(node.childForFieldName('declarator'));
  if (name) x.local(name.text, typeText(node.childForFieldName('type')));
  x.walk(node.childForFieldName('right'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitLambda: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    declareParameters(node.childForFieldName('declarator'), x);
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const VISITORS: Record<string, Visitor> = {
  preproc_include: visitInclude,
  preproc_def: visitMacro,
  preproc_function_def: visitMacro,
  function_definition: visitFunctionDefinition,
  declaration: visitDeclaration,
  field_declaration: visitDeclaration,
  struct_specifier: visitRecord('struct'),
  union_specifier: visitRecord('struct'),
  class_specifier: visitRecord('class'),
  enum_specifier: visitEnum,
  type_definition: visitTypedef,
  alias_declaration: visitAlias,
  namespace_definition: visitNamespace,
  call_expression: callVisitor(SYNTAX),
  new_expression: visitNew,
  field_expression: memberVisitor(SYNTAX),
  qualified_identifier: memberVisitor(SYNTAX),
  template_type: visitTemplateType,
  template_parameter_list: visitTemplateParameters,
  for_range_loop: visitForRange,
  lambda_expression: visitLambda,
  access_specifier: () => true,
  string_literal: () => true,
  raw_string_literal: () => true,
  system_lib_string: () => true,
  comment: () => true,
  using_declaration: () => true,
};

export function cFamilyRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(['type_identifier']),
    notReferenceFields: new Set(['name', 'field', 'label', 'declarator']),
    notReferenceParents: new Set(['parameter_declaration', 'labeled_statement', 'goto_statement', 'field_initializer']),
    receiverWords: { this: '@this' },
    builtins: new Set(['size_t', 'NULL', 'nullptr', 'std', 'printf', 'malloc', 'free', 'memcpy', 'memset', 'strlen', 'sizeof', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t']),
  };
}
