/**
 * Python: `import`/`from ... import`, classes with their bases, functions and methods, module
 * and class attributes, fields assigned through `self.x = ...`, and calls, attribute accesses
 * and annotations inside bodies.
 */
import { Extraction, callVisitor, memberVisitor, typeName, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId } from '../types';

/** `a.b.c` as segments, `super().x` as `['super', 'x']`, or null for anything computed. */
function chain(node: SyntaxNode): string[] | null {
  if (node.type === 'identifier') return [node.text];
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
    if (!object || !attribute) return null;
    if (object.type === 'call' && object.childForFieldName('function')?.text === 'super') return ['super', attribute.text];
    const head = chain(object);
    return head ? [...head, attribute.text] : null;
  }
  return null;
}

const SYNTAX: MemberSyntax = { member: 'attribute', object: 'object', property: 'attribute', chain };

/** The class a value is made from: `Goat(1)` → `Goat`, by the convention that classes are capitalised. */
function constructedType(value: SyntaxNode | null): string | null {
  if (value?.type !== 'call') return null;
  const fn = value.childForFieldName('function');
  const segs = fn ? chain(fn) : null;
  const last = segs?.[segs.length - 1];
  return segs && last && /^[A-Z]/.test(last) ? segs.join('.') : null;
}

function annotationType(node: SyntaxNode | null): string | null {
  if (!node) return null;
  const inner = node.namedChild(0);
  if (inner?.type === 'string') return typeName(inner.text.replace(/^['"]+|['"]+$/g, ''));
  return typeName(node.text);
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    let name: SyntaxNode | null = null;
    switch (param.type) {
      case 'identifier':
        name = param;
        break;
      case 'typed_parameter':
        name = param.namedChildren.find((c) => c.type === 'identifier' || c.type.endsWith('splat_pattern')) ?? null;
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        name = param.childForFieldName('name');
        break;
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        name = param.namedChild(0);
        break;
    }
    if (name?.type.endsWith('splat_pattern')) name = name.namedChild(0);
    if (name) x.local(name.text, annotationType(param.childForFieldName('type')));
    x.walk(param.childForFieldName('type'));
    x.walk(param.childForFieldName('value'));
  }
}

/** Declares every name bound by an assignment target or loop variable as a local. */
function declareTargets(target: SyntaxNode | null, x: Extraction, type: string | null = null): void {
  if (!target) return;
  if (target.type === 'identifier') x.local(target.text, type);
  else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') for (const child of target.namedChildren) declareTargets(child, x);
  else if (target.type === 'list_splat_pattern') declareTargets(target.namedChild(0), x);
  else x.walk(target);
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.childForFieldName('body');
  const returns = node.childForFieldName('return_type');
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body, type: annotationType(returns) });
  x.within(def.path, 'function', () => {
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(returns);
    x.walk(body);
  });
  return true;
};

const visitLambda: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const visitClass: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const bases: string[] = [];
  for (const base of node.childForFieldName('superclasses')?.namedChildren ?? []) {
    const segs = chain(base);
    if (segs) {
      bases.push(segs.join('.'));
      x.use('type', segs, line1(base));
    } else if (base.type !== 'keyword_argument') {
      x.walk(base);
    }
  }
  const body = node.childForFieldName('body');
  const def = x.define(node, name.text, 'class', { body, bases });
  x.within(def.path, 'class', () => x.walk(body));
  return true;
};

const visitAssignment: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const annotation = node.childForFieldName('type');
  const type = annotationType(annotation) ?? constructedType(right);
  x.walk(annotation);
  if (left?.type === 'identifier' && !x.inFunction) {
    const kind = x.scopeKind === 'class' ? 'field' : /^[A-Z][A-Z0-9_]*$/.test(left.text) ? 'constant' : 'variable';
    x.define(node, left.text, kind, { type });
  } else if (left?.type === 'attribute' && x.inFunction) {
    // `self.x = ...` in a method declares the field `x` of the enclosing class, once.
    const segs = chain(left);
    const classPath = x.classPath;
    if (segs?.length === 2 && (segs[0] === 'self' || segs[0] === 'cls') && classPath && !x.hasDefinition(`${classPath}::${segs[1]}`)) {
      x.define(node, segs[1]!, 'field', { type, parentPath: classPath });
    } else {
      x.walk(left);
    }
  } else if (x.inFunction) {
    declareTargets(left, x, type);
  } else if (left) {
    for (const name of left.namedChildren) if (name.type === 'identifier') x.define(node, name.text, 'variable');
  }
  x.walk(right);
  return true;
};

const visitImport: Visitor = (node, x) => {
  for (const name of node.childrenForFieldName('name')) {
    if (name.type === 'aliased_import') {
      const module = name.childForFieldName('name')?.text ?? '';
      x.importName(module, '*', name.childForFieldName('alias')?.text ?? null, line1(node));
    } else {
      // `import a.b` binds `a.b` as written; the resolver matches qualifiers against it.
      x.importName(name.text, '*', name.text, line1(node));
    }
  }
  return true;
};

const visitImportFrom: Visitor = (node, x) => {
  const module = node.childForFieldName('module_name')?.text ?? '';
  const line = line1(node);
  if (node.namedChildren.some((c) => c.type === 'wildcard_import')) x.importName(module, '*', null, line);
  for (const name of node.childrenForFieldName('name')) {
    if (name.type === 'aliased_import') x.importName(module, name.childForFieldName('name')?.text ?? '', name.childForFieldName('alias')?.text ?? null, line);
    else x.importName(module, name.text, null, line);
  }
  return true;
};

/** Annotations: every name inside is a type reference; string annotations are forward references. */
const visitType: Visitor = (node, x) => {
  const visit = (n: SyntaxNode) => {
    const segs = chain(n);
    if (segs) x.use('type', segs, line1(n));
    else if (n.type === 'string') {
      const inner = annotationType(n.parent?.type === 'type' ? n.parent : null);
      if (inner) x.use('type', inner.split('.'), line1(n));
    } else for (const child of n.namedChildren) visit(child);
  };
  for (const child of node.namedChildren) visit(child);
  return true;
};

const visitFor: Visitor = (node, x) => {
  declareTargets(node.childForFieldName('left'), x);
  x.walk(node.childForFieldName('right'));
  x.walk(node.childForFieldName('body'));
  x.walk(node.childForFieldName('alternative'));
  return true;
};

const visitComprehensionFor: Visitor = (node, x) => {
  declareTargets(node.childForFieldName('left'), x);
  x.walk(node.childForFieldName('right'));
  return true;
};

const visitAsPattern: Visitor = (node, x) => {
  for (const child of node.namedChildren) {
    if (child.type === 'as_pattern_target') declareTargets(child.namedChild(0), x);
    else x.walk(child);
  }
  return true;
};

const visitString: Visitor = (node, x) => {
  for (const child of node.namedChildren) if (child.type === 'interpolation') x.walk(child);
  return true;
};

const VISITORS: Record<string, Visitor> = {
  import_statement: visitImport,
  import_from_statement: visitImportFrom,
  future_import_statement: () => true,
  class_definition: visitClass,
  function_definition: visitFunction,
  lambda: visitLambda,
  assignment: visitAssignment,
  call: callVisitor(SYNTAX),
  attribute: memberVisitor(SYNTAX),
  type: visitType,
  for_statement: visitFor,
  for_in_clause: visitComprehensionFor,
  as_pattern: visitAsPattern,
  string: visitString,
  global_statement: () => true,
  nonlocal_statement: () => true,
  comment: () => true,
};

export function pythonRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(),
    notReferenceFields: new Set(['name', 'attribute', 'alias']),
    notReferenceParents: new Set(['parameters', 'lambda_parameters', 'dotted_name', 'aliased_import']),
    receiverWords: { self: '@this', cls: '@this', super: '@super' },
    builtins: new Set([
      'print', 'len', 'range', 'str', 'int', 'float', 'bool', 'bytes', 'list', 'dict', 'set', 'frozenset', 'tuple', 'object', 'type',
      'isinstance', 'issubclass', 'super', 'enumerate', 'zip', 'map', 'filter', 'open', 'sorted', 'reversed', 'min', 'max', 'sum', 'any',
      'all', 'abs', 'repr', 'hash', 'id', 'iter', 'next', 'hasattr', 'getattr', 'setattr', 'delattr', 'vars', 'dir', 'callable', 'round',
      'divmod', 'pow', 'chr', 'ord', 'format', 'input', 'property', 'staticmethod', 'classmethod', 'Exception', 'BaseException',
      'ValueError', 'TypeError', 'KeyError', 'IndexError', 'AttributeError', 'RuntimeError', 'NotImplementedError', 'StopIteration',
      'OSError', 'IOError', 'ImportError', 'AssertionError', 'NotImplemented', 'Ellipsis', '__name__', '__file__',
    ]),
  };
}
