/**
 * Java: imports (a package is a folder), classes, interfaces, enums and records with their
 * superclass and interfaces, methods and constructors (overloads share a path), fields and enum
 * constants; method invocations, `new`, field accesses and type references inside bodies.
 */
import { Extraction, typeName, type LanguageRules, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'type_identifier':
      return [node.text];
    case 'field_access': {
      const object = node.childForFieldName('object');
      const fieldNode = node.childForFieldName('field');
      const head = object ? chain(object) : null;
      return head && fieldNode ? [...head, fieldNode.text] : null;
    }
    case 'scoped_identifier':
    case 'scoped_type_identifier':
      return node.text.split('.').map((s) => s.trim());
    case 'generic_type':
      return node.namedChild(0) ? chain(node.namedChild(0)!) : null;
    default:
      return null;
  }
}

function typeText(node: SyntaxNode | null): string | null {
  if (!node) return null;
  if (node.type === 'generic_type') return typeText(node.namedChild(0));
  return typeName(node.text);
}

function declareParameter(param: SyntaxNode, x: Extraction): void {
  if (param.type === 'identifier') {
    x.local(param.text);
    return;
  }
  const type = param.childForFieldName('type');
  const name = param.childForFieldName('name') ?? param.namedChildren.find((c) => c.type === 'variable_declarator')?.childForFieldName('name');
  if (name) x.local(name.text, typeText(type));
  x.walk(type);
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) declareParameter(param, x);
}

const visitMethod: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.childForFieldName('body');
  const def = x.define(node, name.text, 'method', { body, type: typeText(node.childForFieldName('type')) });
  x.within(def.path, 'function', () => {
    x.walk(node.childForFieldName('type_parameters'));
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(node.childForFieldName('type'));
    x.walk(body);
  });
  return true;
};

function visitClass(kind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    if (!name) return false;
    const bases: string[] = [];
    const baseNodes = [node.childForFieldName('superclass'), node.childForFieldName('interfaces'), node.namedChildren.find((c) => c.type === 'extends_interfaces')];
    for (const clause of baseNodes) {
      for (const t of clause?.type === 'superclass' ? clause.namedChildren : clause?.namedChild(0)?.namedChildren ?? []) {
        const segs = chain(t);
        if (segs) {
          bases.push(segs.join('.'));
          x.use('type', segs, line1(t));
        }
      }
    }
    const body = node.childForFieldName('body');
    const def = x.define(node, name.text, kind, { body, bases });
    x.within(def.path, 'class', () => {
      x.walk(node.childForFieldName('type_parameters'));
      declareParameters(node.childForFieldName('parameters'), x);
      for (const member of body?.namedChildren ?? []) {
        if (member.type === 'enum_constant') {
          const constant = member.childForFieldName('name');
          if (constant) x.define(member, constant.text, 'field', { type: name.text });
          x.walk(member.childForFieldName('arguments'));
          x.walk(member.childForFieldName('body'));
        } else {
          x.walk(member);
        }
      }
    });
    return true;
  };
}

const visitField: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  for (const declarator of node.childrenForFieldName('declarator')) {
    const name = declarator.childForFieldName('name');
    if (!name) continue;
    const value = declarator.childForFieldName('value');
    if (x.inFunction) x.local(name.text, typeText(type) ?? constructed(value));
    else x.define(node.childrenForFieldName('declarator').length > 1 ? declarator : node, name.text, 'field', { type: typeText(type) });
    x.walk(value);
  }
  x.walk(type);
  return true;
};

function constructed(value: SyntaxNode | null): string | null {
  return value?.type === 'object_creation_expression' ? typeText(value.childForFieldName('type')) : null;
}

const visitLocal: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const declared = type?.text === 'var' ? null : typeText(type);
  for (const declarator of node.childrenForFieldName('declarator')) {
    const name = declarator.childForFieldName('name');
    const value = declarator.childForFieldName('value');
    x.walk(value);
    if (name) x.local(name.text, declared ?? constructed(value));
  }
  if (type?.text !== 'var') x.walk(type);
  return true;
};

const visitImport: Visitor = (node, x) => {
  const path = node.namedChildren.find((c) => c.type === 'scoped_identifier' || c.type === 'identifier');
  if (!path) return true;
  const segs = path.text.split('.');
  if (node.namedChildren.some((c) => c.type === 'asterisk')) x.importName(segs.join('.'), '*', null, line1(node));
  else {
    const name = segs.pop()!;
    x.importName(segs.join('.'), name, null, line1(node));
  }
  return true;
};

const visitInvocation: Visitor = (node, x) => {
  const object = node.childForFieldName('object');
  const name = node.childForFieldName('name');
  if (name) {
    const head = object ? chain(object) : [];
    if (head) x.use('call', [...head, name.text], line1(node));
    else {
      x.walk(object);
      x.use('call', ['?', name.text], line1(node));
    }
  }
  x.walk(node.childForFieldName('type_arguments'));
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitNew: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const segs = type ? chain(type) : null;
  if (segs) x.use('call', segs, line1(node));
  x.walk(node.childForFieldName('arguments'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitFieldAccess: Visitor = (node, x) => {
  const segs = chain(node);
  if (segs) x.use('reference', segs, line1(node));
  else x.walk(node.childForFieldName('object'));
  return true;
};

const visitScopedType: Visitor = (node, x) => {
  x.use('type', node.text.split('.'), line1(node));
  return true;
};

const visitLambda: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    const params = node.childForFieldName('parameters');
    if (params?.type === 'identifier') x.local(params.text);
    else declareParameters(params, x);
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const visitEnhancedFor: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name) x.local(name.text, typeText(node.childForFieldName('type')));
  x.walk(node.childForFieldName('type'));
  x.walk(node.childForFieldName('value'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitCatchParameter: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name) x.local(name.text);
  for (const child of node.namedChildren) if (child.type === 'catch_type') x.walk(child);
  return true;
};

const visitTypeParameter: Visitor = (node, x) => {
  const name = node.namedChildren.find((c) => c.type === 'type_identifier' || c.type === 'identifier');
  if (name) x.local(name.text);
  for (const bound of node.namedChildren) if (bound.type === 'type_bound') x.walk(bound);
  return true;
};

const VISITORS: Record<string, Visitor> = {
  package_declaration: () => true,
  import_declaration: visitImport,
  class_declaration: visitClass('class'),
  interface_declaration: visitClass('interface'),
  enum_declaration: visitClass('enum'),
  record_declaration: visitClass('class'),
  annotation_type_declaration: visitClass('interface'),
  method_declaration: visitMethod,
  constructor_declaration: visitMethod,
  compact_constructor_declaration: visitMethod,
  field_declaration: visitField,
  constant_declaration: visitField,
  local_variable_declaration: visitLocal,
  method_invocation: visitInvocation,
  object_creation_expression: visitNew,
  field_access: visitFieldAccess,
  scoped_type_identifier: visitScopedType,
  lambda_expression: visitLambda,
  enhanced_for_statement: visitEnhancedFor,
  catch_formal_parameter: visitCatchParameter,
  type_parameter: visitTypeParameter,
  marker_annotation: () => true,
  annotation: () => true,
  string_literal: () => true,
  line_comment: () => true,
  block_comment: () => true,
};

export function javaRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(['type_identifier']),
    notReferenceFields: new Set(['name', 'field']),
    notReferenceParents: new Set(['formal_parameter', 'spread_parameter', 'inferred_parameters', 'labeled_statement', 'break_statement', 'continue_statement']),
    receiverWords: { this: '@this', super: '@super' },
    builtins: new Set(['String', 'Object', 'Integer', 'Long', 'Double', 'Float', 'Boolean', 'Character', 'Byte', 'Short', 'System', 'Math', 'Override', 'Exception', 'RuntimeException']),
  };
}
