/**
 * PHP: namespaces and `use` imports, classes, interfaces, traits and enums with their bases,
 * methods, functions, properties and constants; `$this->x()`, `Class::x()`, `parent::x()`,
 * `new X`, and function calls inside bodies. Variables (`$x`) are locals and never recorded.
 */
import { Extraction, segmentsOf, type LanguageRules, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

/** `$this` → `this`, `$g` → `g`. */
function variable(node: SyntaxNode): string {
  return node.text.replace(/^\$/, '');
}

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'name':
      return [node.text];
    case 'variable_name':
      return [variable(node)];
    case 'qualified_name':
      return segmentsOf(node.text);
    case 'relative_scope':
      return [node.text === 'parent' ? 'parent' : 'this'];
    case 'member_access_expression': {
      const object = node.childForFieldName('object');
      const name = node.childForFieldName('name');
      const head = object ? chain(object) : null;
      return head && name ? [...head, name.text] : null;
    }
    default:
      return null;
  }
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    const name = param.childForFieldName('name');
    const type = param.childForFieldName('type');
    if (name) x.local(variable(name), type?.type === 'named_type' ? type.text : null);
    x.walk(param.childForFieldName('default_value'));
  }
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.childForFieldName('body');
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body, type: node.childForFieldName('return_type')?.text ?? null });
  x.within(def.path, 'function', () => {
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(body);
  });
  return true;
};

function visitType(kind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    if (!name) return false;
    const bases: string[] = [];
    for (const clause of node.namedChildren) {
      if (clause.type !== 'base_clause' && clause.type !== 'class_interface_clause') continue;
      for (const base of clause.namedChildren) {
        const segs = chain(base);
        if (segs) {
          bases.push(segs.join('\\'));
          x.use('type', segs, line1(base));
        }
      }
    }
    const body = node.childForFieldName('body');
    const def = x.define(node, name.text, kind, { body, bases });
    x.within(def.path, 'class', () => x.walk(body));
    return true;
  };
}

const visitProperty: Visitor = (node, x) => {
  for (const element of node.namedChildren) {
    if (element.type !== 'property_element') continue;
    const name = element.childForFieldName('name');
    if (name) x.define(node, variable(name), 'field', { type: node.childForFieldName('type')?.text ?? null });
    x.walk(element.childForFieldName('default_value'));
  }
  return true;
};

const visitConst: Visitor = (node, x) => {
  for (const element of node.namedChildren) {
    if (element.type !== 'const_element') continue;
    const name = element.namedChildren.find((c) => c.type === 'name');
    if (name && !x.inFunction) x.define(element, name.text, 'constant');
    for (const value of element.namedChildren.slice(1)) x.walk(value);
  }
  return true;
};

const visitNamespace: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name) return false;
  const def = x.define(node, name.text, 'namespace', { body });
  if (body) x.within(def.path, 'namespace', () => x.walk(body));
  return true;
};

const visitUse: Visitor = (node, x) => {
  const group = node.childForFieldName('body');
  const prefix = group ? node.namedChildren.find((c) => c.type === 'namespace_name')?.text ?? '' : '';
  for (const clause of (group ?? node).namedChildren) {
    if (clause.type !== 'namespace_use_clause') continue;
    const alias = clause.childForFieldName('alias')?.text ?? null;
    const target = clause.namedChildren.find((c) => c.type === 'qualified_name' || c.type === 'name');
    if (!target) continue;
    const segs = [...(prefix ? prefix.split('\\') : []), ...segmentsOf(target.text)];
    const name = segs.pop()!;
    x.importName(segs.join('\\'), name, alias, line1(node));
  }
  return true;
};

const visitAssignment: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  x.walk(right);
  if (left?.type === 'variable_name') {
    const made = right?.type === 'object_creation_expression' ? right.namedChildren.find((c) => c.type === 'name' || c.type === 'qualified_name')?.text ?? null : null;
    x.local(variable(left), made);
  } else {
    x.walk(left);
  }
  return true;
};

const visitMemberCall: Visitor = (node, x) => {
  const object = node.childForFieldName('object') ?? node.childForFieldName('scope');
  const name = node.childForFieldName('name');
  const head = object ? chain(object) : null;
  if (name && head) x.use('call', [...head, name.text], line1(node));
  else {
    x.walk(object);
    if (name) x.use('call', ['?', name.text], line1(node));
  }
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitFunctionCall: Visitor = (node, x) => {
  const fn = node.childForFieldName('function');
  const segs = fn ? chain(fn) : null;
  if (segs) x.use('call', segs, line1(node));
  else x.walk(fn);
  x.walk(node.childForFieldName('arguments'));
  return true;
};

const visitNew: Visitor = (node, x) => {
  const type = node.namedChildren.find((c) => c.type === 'name' || c.type === 'qualified_name');
  if (type) x.use('call', segmentsOf(type.text), line1(node));
  for (const child of node.namedChildren) if (child.type === 'arguments') x.walk(child);
  return true;
};

const visitMemberAccess: Visitor = (node, x) => {
  const segs = chain(node);
  if (segs) x.use('reference', segs, line1(node));
  else x.walk(node.childForFieldName('object'));
  return true;
};

const visitScopedAccess: Visitor = (node, x) => {
  const [scope, name] = node.namedChildren;
  const head = scope ? chain(scope) : null;
  if (head && name) x.use('reference', [...head, name.text], line1(node));
  return true;
};

const VISITORS: Record<string, Visitor> = {
  namespace_definition: visitNamespace,
  namespace_use_declaration: visitUse,
  function_definition: visitFunction,
  method_declaration: visitFunction,
  class_declaration: visitType('class'),
  interface_declaration: visitType('interface'),
  trait_declaration: visitType('trait'),
  enum_declaration: visitType('enum'),
  property_declaration: visitProperty,
  const_declaration: visitConst,
  assignment_expression: visitAssignment,
  member_call_expression: visitMemberCall,
  nullsafe_member_call_expression: visitMemberCall,
  scoped_call_expression: visitMemberCall,
  function_call_expression: visitFunctionCall,
  object_creation_expression: visitNew,
  member_access_expression: visitMemberAccess,
  class_constant_access_expression: visitScopedAccess,
  scoped_property_access_expression: visitScopedAccess,
  variable_name: () => true,
  named_type: (node, x) => {
    x.use('type', segmentsOf(node.text), line1(node));
    return true;
  },
  string: () => true,
  encapsed_string: () => true,
  comment: () => true,
  php_tag: () => true,
  text: () => true,
};

export function phpRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['name']),
    typeIdentifiers: new Set(),
    notReferenceFields: new Set(['name', 'alias']),
    notReferenceParents: new Set(['namespace_name', 'qualified_name', 'named_label_statement', 'goto_statement']),
    receiverWords: { this: '@this', self: '@this', static: '@this', parent: '@super' },
    builtins: new Set(['__DIR__', '__FILE__', '__CLASS__', 'true', 'false', 'null', 'count', 'strlen', 'array_map', 'array_filter', 'isset', 'empty', 'echo', 'print', 'sprintf', 'implode', 'explode', 'in_array']),
  };
}
