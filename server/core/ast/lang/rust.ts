/**
 * Rust: `use` trees, modules, functions, structs, enums, unions, traits (with supertraits as
 * bases), `impl` blocks (methods become children of the type; `impl Trait for Type` is a
 * hierarchy fact), consts, statics, type aliases and macros; calls, paths, field accesses and
 * type references inside bodies.
 */
import { Extraction, callVisitor, memberVisitor, typeName, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'self':
    case 'super':
    case 'crate':
    case 'field_identifier':
    case 'type_identifier':
    case 'primitive_type':
      return [node.text];
    case 'scoped_identifier':
    case 'scoped_type_identifier': {
      const path = node.childForFieldName('path');
      const name = node.childForFieldName('name');
      if (!name) return null;
      const head = path ? chain(path) : [];
      return head ? [...head, name.text] : null;
    }
    case 'field_expression': {
      const value = node.childForFieldName('value');
      const fieldNode = node.childForFieldName('field');
      const head = value ? chain(value) : null;
      return head && fieldNode ? [...head, fieldNode.text] : null;
    }
    case 'generic_function':
    case 'generic_type':
      return node.childForFieldName('function') ?? node.childForFieldName('type') ? chain((node.childForFieldName('function') ?? node.childForFieldName('type'))!) : null;
    default:
      return null;
  }
}

const SYNTAX: MemberSyntax = { member: 'field_expression', object: 'value', property: 'field', chain };

function typeText(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'reference_type' || node.type === 'pointer_type') return typeText(node.childForFieldName('type'));
  if (node.type === 'generic_type') return typeText(node.childForFieldName('type'));
  if (node.type === 'scoped_type_identifier') return chain(node)?.join('::') ?? null;
  return typeName(node.text);
}

/** `Point::new(...)` and `Point { .. }` are values of `Point`. */
function valueType(value: SyntaxNode | null): string | null {
  if (!value) return null;
  if (value.type === 'struct_expression') return typeText(value.childForFieldName('name'));
  if (value.type === 'call_expression') {
    const segs = chain(value.childForFieldName('function') ?? value);
    if (segs && segs.length >= 2 && /^[A-Z]/.test(segs[segs.length - 2]!)) return segs.slice(0, -1).join('::');
  }
  return null;
}

function walkFunction(node: SyntaxNode, path: string, x: Extraction): void {
  x.within(path, 'function', () => {
    x.walk(node.childForFieldName('type_parameters'));
    for (const param of node.childForFieldName('parameters')?.namedChildren ?? []) {
      const pattern = param.childForFieldName('pattern') ?? (param.type === 'identifier' ? param : null);
      const type = param.childForFieldName('type');
      if (pattern) declarePattern(pattern, x, typeText(type));
      x.walk(type);
    }
    x.walk(node.childForFieldName('return_type'));
    x.walk(node.childForFieldName('body'));
  });
}

function declarePattern(pattern: SyntaxNode, x: Extraction, type: string | null = null): void {
  if (pattern.type === 'identifier') x.local(pattern.text, type);
  else if (pattern.type === 'mut_pattern' || pattern.type === 'ref_pattern') for (const c of pattern.namedChildren) declarePattern(c, x, type);
  else for (const child of pattern.namedChildren) if (child.type !== 'type_identifier' && child.type !== 'scoped_type_identifier' && child.type !== 'scoped_identifier') declarePattern(child, x);
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body: node.childForFieldName('body'), type: typeText(node.childForFieldName('return_type')) });
  walkFunction(node, def.path, x);
  return true;
};

function visitType(kind: 'struct' | 'enum' | 'trait'): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    if (!name) return false;
    const body = node.childForFieldName('body');
    const bases: string[] = [];
    for (const bound of node.childForFieldName('bounds')?.namedChildren ?? []) {
      const t = typeText(bound);
      if (t) bases.push(t);
    }
    const def = x.define(node, name.text, kind, { body, bases });
    x.within(def.path, 'class', () => {
      x.walk(node.childForFieldName('type_parameters'));
      x.walk(node.childForFieldName('bounds'));
      for (const member of body?.namedChildren ?? []) {
        if (member.type === 'field_declaration' || member.type === 'enum_variant') {
          const memberName = member.childForFieldName('name');
          if (memberName) x.define(member, memberName.text, 'field', { type: typeText(member.childForFieldName('type')) });
          x.walk(member.childForFieldName('type'));
          x.walk(member.childForFieldName('body'));
        } else {
          x.walk(member);
        }
      }
    });
    return true;
  };
}

const visitImpl: Visitor = (node, x) => {
  const type = typeText(node.childForFieldName('type'));
  const trait = node.childForFieldName('trait');
  const traitName = typeText(trait);
  if (type && traitName) x.extend(type, [traitName], line1(node));
  x.within(type ? `${x.filePath}::${type}` : x.scopePath, 'class', () => {
    x.walk(node.childForFieldName('type_parameters'));
    x.walk(trait);
    x.walk(node.childForFieldName('type'));
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const visitItem: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const type = node.childForFieldName('type');
  if (x.inFunction) x.local(name.text, typeText(type));
  else {
    const kind = node.type === 'type_item' ? 'type_alias' : node.type === 'const_item' ? 'constant' : x.scopeKind === 'class' ? 'field' : 'variable';
    x.define(node, name.text, kind, { type: typeText(type) });
  }
  x.walk(type);
  x.walk(node.childForFieldName('value'));
  return true;
};

const visitMod: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name || !body) return true;
  const def = x.define(node, name.text, 'namespace', { body });
  x.within(def.path, 'namespace', () => x.walk(body));
  return true;
};

/** A `use` tree: every leaf becomes an import of its last segment from the path before it. */
function useTree(node: SyntaxNode, prefix: string[], x: Extraction, line: number): void {
  switch (node.type) {
    case 'identifier':
    case 'self':
    case 'crate':
    case 'super':
    case 'scoped_identifier': {
      const segs = [...prefix, ...(chain(node) ?? [node.text])];
      if (segs[segs.length - 1] === 'self') segs.pop();
      const name = segs.pop();
      if (name) x.importName(segs.join('::') || name, segs.length ? name : '*', segs.length ? null : name, line);
      return;
    }
    case 'use_as_clause': {
      const path = node.childForFieldName('path');
      const segs = [...prefix, ...(path ? chain(path) ?? [] : [])];
      const name = segs.pop();
      if (name) x.importName(segs.join('::') || name, segs.length ? name : '*', node.childForFieldName('alias')?.text ?? null, line);
      return;
    }
    case 'use_wildcard': {
      const path = node.namedChild(0);
      x.importName([...prefix, ...(path ? chain(path) ?? [] : [])].join('::'), '*', null, line);
      return;
    }
    case 'scoped_use_list': {
      const path = node.childForFieldName('path');
      const next = [...prefix, ...(path ? chain(path) ?? [] : [])];
      for (const item of node.childForFieldName('list')?.namedChildren ?? []) useTree(item, next, x, line);
      return;
    }
    case 'use_list':
      for (const item of node.namedChildren) useTree(item, prefix, x, line);
  }
}

const visitUse: Visitor = (node, x) => {
  const argument = node.childForFieldName('argument');
  if (argument) useTree(argument, [], x, line1(node));
  return true;
};

const visitLet: Visitor = (node, x) => {
  const pattern = node.childForFieldName('pattern');
  const type = node.childForFieldName('type');
  const value = node.childForFieldName('value');
  x.walk(type);
  x.walk(value);
  x.walk(node.childForFieldName('alternative'));
  if (pattern) declarePattern(pattern, x, typeText(type) ?? valueType(value));
  return true;
};


const visitMacro: Visitor = (node, x) => {
  const name = node.childForFieldName('macro');
  if (name) x.use('call', chain(name) ?? [name.text], line1(node));
  return true;
};

const visitMacroDefinition: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name && !x.inFunction) x.define(node, name.text, 'function');
  return true;
};

const visitClosure: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    for (const param of node.childForFieldName('parameters')?.namedChildren ?? []) declarePattern(param.childForFieldName('pattern') ?? param, x);
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const visitTypeParameter: Visitor = (node, x) => {
  const name = node.childForFieldName('name') ?? node.namedChild(0);
  if (name) x.local(name.text);
  x.walk(node.childForFieldName('bounds'));
  return true;
};

const visitFor: Visitor = (node, x) => {
  const pattern = node.childForFieldName('pattern');
  if (pattern) declarePattern(pattern, x);
  x.walk(node.childForFieldName('value'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitStructExpression: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name) x.use('call', chain(name) ?? [name.text], line1(node));
  for (const init of node.childForFieldName('body')?.namedChildren ?? []) {
    if (init.type === 'shorthand_field_initializer') x.walk(init.namedChild(0));
    else x.walk(init.childForFieldName('value') ?? init);
  }
  return true;
};

const VISITORS: Record<string, Visitor> = {
  use_declaration: visitUse,
  mod_item: visitMod,
  function_item: visitFunction,
  function_signature_item: visitFunction,
  struct_item: visitType('struct'),
  union_item: visitType('struct'),
  enum_item: visitType('enum'),
  trait_item: visitType('trait'),
  impl_item: visitImpl,
  const_item: visitItem,
  static_item: visitItem,
  type_item: visitItem,
  let_declaration: visitLet,
  call_expression: callVisitor(SYNTAX),
  scoped_identifier: memberVisitor(SYNTAX),
  scoped_type_identifier: memberVisitor(SYNTAX, 'type'),
  field_expression: memberVisitor(SYNTAX),
  macro_invocation: visitMacro,
  macro_definition: visitMacroDefinition,
  closure_expression: visitClosure,
  type_parameter: visitTypeParameter,
  constrained_type_parameter: visitTypeParameter,
  for_expression: visitFor,
  struct_expression: visitStructExpression,
  attribute_item: () => true,
  inner_attribute_item: () => true,
  string_literal: () => true,
  raw_string_literal: () => true,
  line_comment: () => true,
  block_comment: () => true,
  lifetime: () => true,
};

export function rustRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(['type_identifier']),
    notReferenceFields: new Set(['name', 'field', 'pattern', 'label']),
    notReferenceParents: new Set(['parameter', 'closure_parameters', 'type_parameter', 'type_parameters', 'lifetime']),
    receiverWords: { self: '@this', Self: '@this' },
    builtins: new Set(['Some', 'None', 'Ok', 'Err', 'Option', 'Result', 'Vec', 'String', 'Box', 'Rc', 'Arc', 'str']),
  };
}
