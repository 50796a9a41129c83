/**
 * Ruby: `require`/`require_relative`, modules, classes with their superclass, methods (and
 * `def self.x`), constants, instance variables as fields; calls with and without receivers,
 * scope resolution (`Zoo::Util`) and bare names, which may be calls without parentheses.
 */
import { Extraction, memberVisitor, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'constant':
    case 'self':
    case 'super':
      return [node.text];
    case 'instance_variable':
      return ['self', node.text.slice(1)];
    case 'scope_resolution': {
      const scope = node.childForFieldName('scope');
      const name = node.childForFieldName('name');
      const head = scope ? chain(scope) : [];
      return head && name ? [...head, name.text] : null;
    }
    case 'call': {
      // A call used as a callee: `a.b` in `a.b.c` has no arguments.
      const receiver = node.childForFieldName('receiver');
      const method = node.childForFieldName('method');
      if (!method || node.childForFieldName('arguments') || node.childForFieldName('block')) return null;
      const head = receiver ? chain(receiver) : [];
      return head ? [...head, method.text] : null;
    }
    default:
      return null;
  }
}

/** The callee of a `call` node is its receiver plus method, which the shared handler reads as one chain. */
function callee(node: SyntaxNode): string[] | null {
  const receiver = node.childForFieldName('receiver');
  const method = node.childForFieldName('method');
  if (!method) return null;
  const head = receiver ? chain(receiver) : [];
  return head ? [...head, method.text] : null;
}

const SYNTAX: MemberSyntax = { member: 'scope_resolution', object: 'scope', property: 'name', chain };

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    const name = param.type === 'identifier' ? param : param.childForFieldName('name') ?? param.namedChild(0);
    if (name?.type === 'identifier') x.local(name.text);
    x.walk(param.childForFieldName('value'));
  }
}

const visitMethod: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.childForFieldName('body');
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body });
  x.within(def.path, 'function', () => {
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(body);
  });
  return true;
};

const visitClass: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const superclass = node.childForFieldName('superclass')?.namedChild(0) ?? null;
  const base = superclass ? chain(superclass) : null;
  if (base) x.use('type', base, line1(superclass!));
  const body = node.childForFieldName('body');
  const def = x.define(node, name.text, node.type === 'module' ? 'namespace' : 'class', { body, bases: base ? [base.join('::')] : [] });
  x.within(def.path, node.type === 'module' ? 'namespace' : 'class', () => x.walk(body));
  return true;
};

const visitAssignment: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  x.walk(right);
  if (left?.type === 'constant' && !x.inFunction) x.define(node, left.text, 'constant');
  else if (left?.type === 'instance_variable' && x.classPath) {
    const name = left.text.slice(1);
    if (!x.hasDefinition(`${x.classPath}::${name}`)) x.define(node, name, 'field', { parentPath: x.classPath });
  } else if (left?.type === 'identifier') {
    const made = right?.type === 'call' && right.childForFieldName('method')?.text === 'new' ? right.childForFieldName('receiver')?.text ?? null : null;
    if (x.inFunction) x.local(left.text, made);
    else x.define(node, left.text, 'variable', { type: made });
  } else {
    x.walk(left);
  }
  return true;
};

const visitCall: Visitor = (node, x) => {
  const method = node.childForFieldName('method');
  const args = node.childForFieldName('arguments');
  if (!node.childForFieldName('receiver') && (method?.text === 'require' || method?.text === 'require_relative')) {
    const spec = args?.namedChild(0)?.namedChild(0)?.text;
    if (spec) x.importName(method.text === 'require_relative' && !spec.startsWith('.') ? `./${spec}` : spec, '*', null, line1(node));
    return true;
  }
  if (method?.type === 'super') {
    x.walk(args);
    return true;
  }
  let segs = callee(node);
  // `Goat.new(...)` constructs a Goat: the usage is the class.
  if (segs && segs.length > 1 && segs[segs.length - 1] === 'new') segs = segs.slice(0, -1);
  if (segs) {
    x.use('call', segs, line1(node));
    x.walkFields(node, 'arguments', 'block');
    return true;
  }
  // A method called on a computed value (`make(1).run`): the receiver's type is unknown.
  x.walk(node.childForFieldName('receiver'));
  if (method) x.use('call', ['?', method.text], line1(node));
  x.walkFields(node, 'arguments', 'block');
  return true;
};

const visitInstanceVariable: Visitor = (node, x) => {
  x.use('reference', ['self', node.text.slice(1)], line1(node));
  return true;
};

const visitBlock: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(node.childForFieldName('body'));
  });
  return true;
};

const VISITORS: Record<string, Visitor> = {
  class: visitClass,
  module: visitClass,
  method: visitMethod,
  singleton_method: visitMethod,
  assignment: visitAssignment,
  call: visitCall,
  scope_resolution: memberVisitor(SYNTAX),
  instance_variable: visitInstanceVariable,
  block: visitBlock,
  do_block: visitBlock,
  string: (node, x) => {
    for (const child of node.namedChildren) if (child.type === 'interpolation') x.walk(child);
    return true;
  },
  simple_symbol: () => true,
  comment: () => true,
};

export function rubyRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier', 'constant']),
    typeIdentifiers: new Set(),
    notReferenceFields: new Set(['name', 'method']),
    notReferenceParents: new Set(['method_parameters', 'block_parameters', 'lambda_parameters', 'optional_parameter', 'keyword_parameter']),
    receiverWords: { self: '@this', super: '@super' },
    builtins: new Set(['puts', 'print', 'p', 'raise', 'attr_reader', 'attr_writer', 'attr_accessor', 'include', 'extend', 'private', 'protected', 'public', 'nil', 'true', 'false', 'lambda', 'proc', 'loop']),
  };
}
