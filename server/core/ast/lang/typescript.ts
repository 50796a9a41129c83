/**
 * TypeScript, TSX and JavaScript: ES and CommonJS imports, classes with heritage, interfaces,
 * enums, type aliases, namespaces, top-level `const`/`let`/`var` (arrow functions count as
 * functions), and calls, `new`, member accesses and type references inside bodies.
 */
import { Extraction, memberVisitor, segmentsOf, typeName, useCallee, walkChainRoot, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** JavaScript parameters are patterns themselves; TypeScript wraps them in `required_parameter`. */
const BARE_PATTERNS = new Set(['identifier', 'object_pattern', 'array_pattern', 'assignment_pattern', 'rest_pattern']);

/** `a.b.c` as segments, or null when the innermost object is not a plain name. */
function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'super':
    case 'property_identifier':
    case 'private_property_identifier':
    case 'type_identifier':
      return [node.text];
    case 'member_expression': {
      const object = node.childForFieldName('object');
      const property = node.childForFieldName('property');
      if (!object || !property) return null;
      const head = chain(object);
      return head ? [...head, property.text] : null;
    }
    case 'non_null_expression':
    case 'parenthesized_expression':
      return node.namedChild(0) ? chain(node.namedChild(0)!) : null;
    default:
      return null;
  }
}

const SYNTAX: MemberSyntax = { member: 'member_expression', object: 'object', property: 'property', chain };

function typeOfAnnotation(node: SyntaxNode | null): string | null {
  return node ? typeName(node.text) : null;
}

/** The class a value is constructed from: `new Goat(1)` → `Goat`. */
function constructedType(value: SyntaxNode | null): string | null {
  if (value?.type !== 'new_expression') return null;
  const ctor = value.childForFieldName('constructor');
  const segs = ctor ? chain(ctor) : null;
  return segs ? segs.join('.') : null;
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  if (!params) return;
  if (params.type === 'identifier') {
    x.local(params.text);
    return;
  }
  for (const param of params.namedChildren) {
    const pattern = param.childForFieldName('pattern') ?? (BARE_PATTERNS.has(param.type) ? param : null);
    const type = param.childForFieldName('type');
    if (pattern) declarePattern(pattern, x, typeOfAnnotation(type));
    if (type) x.walk(type);
    x.walk(param.childForFieldName('value'));
  }
}

/** Declares every name bound by a pattern (`{a, b: [c]}`) as a local. */
function declarePattern(pattern: SyntaxNode, x: Extraction, type: string | null = null): void {
  if (pattern.type === 'identifier' || pattern.type === 'shorthand_property_identifier_pattern') {
    x.local(pattern.text, type);
    return;
  }
  if (pattern.type === 'this') return;
  for (const child of pattern.namedChildren) {
    if (child.type === 'pair_pattern') {
      const value = child.childForFieldName('value');
      if (value) declarePattern(value, x);
    } else if (child.type === 'assignment_pattern' || child.type === 'object_assignment_pattern') {
      const left = child.childForFieldName('left');
      if (left) declarePattern(left, x);
      x.walk(child.childForFieldName('right'));
    } else {
      declarePattern(child, x);
    }
  }
}

/** Names bound at top level by a pattern, for definitions. */
function patternNames(pattern: SyntaxNode): string[] {
  if (pattern.type === 'identifier' || pattern.type === 'shorthand_property_identifier_pattern') return [pattern.text];
  const names: string[] = [];
  for (const child of pattern.namedChildren) {
    const target = child.type === 'pair_pattern' ? child.childForFieldName('value') : child.type.endsWith('assignment_pattern') ? child.childForFieldName('left') : child;
    if (target) names.push(...patternNames(target));
  }
  return names;
}

/** A function-like scope: parameters are locals, the body is walked inside. */
function walkFunctionScope(node: SyntaxNode, path: string, x: Extraction): void {
  x.within(path, 'function', () => {
    declareParameters(node.childForFieldName('parameters') ?? node.childForFieldName('parameter'), x);
    x.walkFields(node, 'type_parameters', 'return_type');
    x.walk(node.childForFieldName('body'));
  });
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) {
    walkFunctionScope(node, x.scopePath, x);
    return true;
  }
  const kind: SymbolKind = x.scopeKind === 'class' ? 'method' : 'function';
  const returns = node.childForFieldName('return_type');
  const def = x.define(node, name.text, kind, { body: node.childForFieldName('body'), type: typeOfAnnotation(returns) });
  walkFunctionScope(node, def.path, x);
  return true;
};

const visitAnonymousFunction: Visitor = (node, x) => {
  walkFunctionScope(node, x.scopePath, x);
  return true;
};

/** Base names of a class or interface; their type arguments are returned to walk inside the class. */
function heritage(node: SyntaxNode, x: Extraction): { bases: string[]; typeArguments: SyntaxNode[] } {
  const bases: string[] = [];
  const typeArguments: SyntaxNode[] = [];
  const add = (n: SyntaxNode) => {
    const base = n.type === 'generic_type' ? n.childForFieldName('name') ?? n.namedChild(0) : n;
    const segs = base ? chain(base) ?? (base.type === 'nested_type_identifier' ? segmentsOf(base.text) : null) : null;
    if (segs) {
      bases.push(segs.join('.'));
      x.use('type', segs, line1(n));
    } else {
      x.walk(n);
    }
    const args = n.type === 'generic_type' ? n.childForFieldName('type_arguments') : null;
    if (args) typeArguments.push(args);
  };
  for (const child of node.namedChildren) {
    if (child.type === 'class_heritage') {
      for (const clause of child.namedChildren) {
        // JavaScript's heritage holds the base expression itself; TypeScript's holds clauses.
        if (clause.type !== 'extends_clause' && clause.type !== 'implements_clause') {
          add(clause);
          continue;
        }
        for (const base of clause.namedChildren) {
          if (base.type === 'type_arguments') typeArguments.push(base);
          else add(base);
        }
      }
    } else if (child.type === 'extends_type_clause' || child.type === 'extends_clause') {
      for (const base of child.namedChildren) add(base);
    }
  }
  return { bases, typeArguments };
}

function visitClassLike(kind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    const { bases, typeArguments } = heritage(node, x);
    const def = name ? x.define(node, name.text, kind, { body, bases }) : null;
    x.within(def?.path ?? x.scopePath, 'class', () => {
      x.walk(node.childForFieldName('type_parameters'));
      for (const args of typeArguments) x.walk(args);
      x.walk(body);
    });
    return true;
  };
}

const visitField: Visitor = (node, x) => {
  const name = node.childForFieldName('name') ?? node.childForFieldName('property');
  if (!name || x.scopeKind !== 'class') return false;
  const value = node.childForFieldName('value');
  const type = node.childForFieldName('type');
  if (value && FUNCTION_VALUES.has(value.type)) {
    const def = x.define(node, name.text, 'method', { body: value.childForFieldName('body') });
    walkFunctionScope(value, def.path, x);
    return true;
  }
  x.define(node, name.text, 'field', { type: typeOfAnnotation(type) ?? constructedType(value) });
  x.walk(type);
  x.walk(value);
  return true;
};

const visitEnum: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name) return false;
  const def = x.define(node, name.text, 'enum', { body });
  x.within(def.path, 'class', () => {
    for (const member of body?.namedChildren ?? []) {
      const memberName = member.type === 'enum_assignment' ? member.childForFieldName('name') : member;
      if (memberName && memberName.type === 'property_identifier') x.define(member, memberName.text, 'field');
      if (member.type === 'enum_assignment') x.walk(member.childForFieldName('value'));
    }
  });
  return true;
};

const visitTypeAlias: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name || x.inFunction) return false;
  const value = node.childForFieldName('value');
  x.define(node, name.text, 'type_alias', { type: typeOfAnnotation(value) });
  x.walk(node.childForFieldName('type_parameters'));
  x.walk(value);
  return true;
};

const visitNamespace: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name || name.type === 'string') {
    x.walk(body);
    return true;
  }
  const def = x.define(node, name.text, 'namespace', { body });
  x.within(def.path, 'namespace', () => x.walk(body));
  return true;
};

/** `require('./x')` as a module specifier, or null. */
function requiredModule(value: SyntaxNode | null): string | null {
  if (value?.type !== 'call_expression') return null;
  const fn = value.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'require') return null;
  const arg = value.childForFieldName('arguments')?.namedChild(0);
  return arg?.type === 'string' ? stringValue(arg) : null;
}

function stringValue(node: SyntaxNode): string {
  return node.text.replace(/^['"`]|['"`]$/g, '');
}

const visitVariables: Visitor = (node, x) => {
  const isConst = node.type === 'lexical_declaration' && node.text.startsWith('const');
  for (const declarator of node.namedChildren) {
    if (declarator.type !== 'variable_declarator') continue;
    const name = declarator.childForFieldName('name');
    const value = declarator.childForFieldName('value');
    const type = declarator.childForFieldName('type');
    if (!name) continue;
    const required = requiredModule(value);
    if (required !== null && !x.inFunction) {
      if (name.type === 'identifier') x.importName(required, '*', name.text, line1(declarator));
      else for (const bound of patternNames(name)) x.importName(required, bound, null, line1(declarator));
      continue;
    }
    const inferred = typeOfAnnotation(type) ?? constructedType(value);
    if (x.inFunction || x.scopeKind === 'class') {
      declarePattern(name, x, inferred);
      x.walk(type);
      x.walk(value);
      continue;
    }
    if (name.type !== 'identifier') {
      for (const bound of patternNames(name)) x.define(declarator, bound, 'variable');
      x.walk(value);
      continue;
    }
    if (value && FUNCTION_VALUES.has(value.type)) {
      const def = x.define(node, name.text, 'function', { body: value.childForFieldName('body'), type: typeOfAnnotation(value.childForFieldName('return_type')) });
      walkFunctionScope(value, def.path, x);
      continue;
    }
    x.define(node.namedChildCount > 1 ? declarator : node, name.text, isConst ? 'constant' : 'variable', { type: inferred });
    x.walk(type);
    x.walk(value);
  }
  return true;
};

const visitImport: Visitor = (node, x) => {
  const source = node.childForFieldName('source');
  if (!source) return true;
  const module = stringValue(source);
  const line = line1(node);
  const clause = node.namedChildren.find((c) => c.type === 'import_clause');
  if (!clause) {
    x.importName(module, '*', null, line);
    return true;
  }
  for (const part of clause.namedChildren) {
    if (part.type === 'identifier') x.importName(module, 'default', part.text, line);
    else if (part.type === 'namespace_import') x.importName(module, '*', part.namedChild(0)?.text ?? null, line);
    else if (part.type === 'named_imports') {
      for (const spec of part.namedChildren) {
        const name = spec.childForFieldName('name');
        if (name) x.importName(module, name.text, spec.childForFieldName('alias')?.text ?? null, line);
      }
    }
  }
  return true;
};

/** `export ... from './x'` re-exports: recorded as imports so the resolver can follow them. */
const visitExport: Visitor = (node, x) => {
  const source = node.childForFieldName('source');
  if (!source) return false;
  const module = stringValue(source);
  const clause = node.namedChildren.find((c) => c.type === 'export_clause');
  if (!clause) {
    const ns = node.namedChildren.find((c) => c.type === 'namespace_export');
    x.importName(module, '*', ns?.namedChild(0)?.text ?? null, line1(node));
    return true;
  }
  for (const spec of clause.namedChildren) {
    const name = spec.childForFieldName('name');
    if (name) x.importName(module, name.text, spec.childForFieldName('alias')?.text ?? null, line1(node));
  }
  return true;
};

const visitCall: Visitor = (node, x) => {
  const callee = node.childForFieldName('function');
  if (callee?.type === 'import' || (callee?.type === 'identifier' && callee.text === 'require')) {
    const arg = node.childForFieldName('arguments')?.namedChild(0);
    if (arg?.type === 'string') x.importName(stringValue(arg), '*', null, line1(node));
    return true;
  }
  useCallee(x, callee, SYNTAX, line1(node));
  x.walk(node.childForFieldName('type_arguments'));
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitNew: Visitor = (node, x) => {
  const ctor = node.childForFieldName('constructor');
  const segs = ctor ? chain(ctor) : null;
  if (segs) x.use('call', segs, line1(node));
  else if (ctor) walkChainRoot(x, ctor, SYNTAX);
  x.walk(node.childForFieldName('type_arguments'));
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitNestedType: Visitor = (node, x) => {
  x.use('type', segmentsOf(node.text), line1(node));
  return true;
};

const visitTypeParameter: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name) x.local(name.text);
  x.walk(node.childForFieldName('constraint'));
  x.walk(node.childForFieldName('value'));
  return true;
};

/** `this.x = ...` inside a method declares the field `x` of the class, once (JavaScript has no field syntax before ES2022). */
const visitAssignment: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  const classPath = x.classPath;
  if (left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this' && classPath && x.inFunction) {
    const name = left.childForFieldName('property')?.text;
    if (name && !x.hasDefinition(`${classPath}::${name}`)) x.define(node, name, 'field', { parentPath: classPath });
  }
  return false;
};

const visitCatch: Visitor = (node, x) => {
  const param = node.childForFieldName('parameter');
  if (param) declarePattern(param, x);
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitForIn: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  if (left) declarePattern(left, x);
  x.walk(node.childForFieldName('right'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const visitJsxName: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (name && /^[A-Z]/.test(name.text)) x.use('call', segmentsOf(name.text), line1(node));
  for (const attr of node.namedChildren) if (attr.type === 'jsx_attribute' || attr.type === 'jsx_expression') x.walk(attr);
  return true;
};

const visitJsxAttribute: Visitor = (node, x) => {
  for (const child of node.namedChildren) if (child.type !== 'property_identifier') x.walk(child);
  return true;
};

const VISITORS: Record<string, Visitor> = {
  import_statement: visitImport,
  export_statement: visitExport,
  function_declaration: visitFunction,
  generator_function_declaration: visitFunction,
  function_signature: visitFunction,
  method_definition: visitFunction,
  method_signature: visitFunction,
  abstract_method_signature: visitFunction,
  function_expression: visitAnonymousFunction,
  function: visitAnonymousFunction,
  generator_function: visitAnonymousFunction,
  arrow_function: visitAnonymousFunction,
  class_declaration: visitClassLike('class'),
  abstract_class_declaration: visitClassLike('class'),
  class: visitClassLike('class'),
  interface_declaration: visitClassLike('interface'),
  public_field_definition: visitField,
  field_definition: visitField,
  property_signature: visitField,
  enum_declaration: visitEnum,
  type_alias_declaration: visitTypeAlias,
  internal_module: visitNamespace,
  module: visitNamespace,
  lexical_declaration: visitVariables,
  variable_declaration: visitVariables,
  call_expression: visitCall,
  new_expression: visitNew,
  member_expression: memberVisitor(SYNTAX),
  nested_type_identifier: visitNestedType,
  type_parameter: visitTypeParameter,
  assignment_expression: visitAssignment,
  catch_clause: visitCatch,
  for_in_statement: visitForIn,
  jsx_opening_element: visitJsxName,
  jsx_self_closing_element: visitJsxName,
  jsx_closing_element: () => true,
  jsx_attribute: visitJsxAttribute,
  // Labels, decorators' own names and string contents refer to nothing we index.
  statement_identifier: () => true,
  string: () => true,
  comment: () => true,
};

export function typescriptRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier', 'shorthand_property_identifier']),
    typeIdentifiers: new Set(['type_identifier']),
    notReferenceFields: new Set(['name', 'property', 'label', 'alias', 'key', 'parameter']),
    notReferenceParents: new Set(['import_specifier', 'export_specifier', 'namespace_import', 'import_clause', 'namespace_export', 'type_parameter', 'required_parameter', 'optional_parameter']),
    receiverWords: { this: '@this', super: '@super' },
    builtins: new Set([
      'undefined', 'NaN', 'Infinity', 'globalThis', 'arguments', 'console', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol',
      'BigInt', 'Promise', 'Error', 'TypeError', 'RangeError', 'JSON', 'Math', 'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet',
      'parseInt', 'parseFloat', 'isNaN', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'require', 'module', 'exports',
      'process', 'Buffer', 'Record', 'Partial', 'Readonly', 'Pick', 'Omit', 'ReturnType', 'Parameters', 'Awaited', 'Exclude', 'Extract',
      'NonNullable', 'Required', 'PromiseLike', 'ReadonlyArray', 'Iterable', 'AsyncIterable', 'Uint8Array', 'ArrayBuffer', 'window', 'document',
    ]),
  };
}
