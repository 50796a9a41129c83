/**
 * Kotlin (tree-sitter-grammars' grammar, whose nodes are mostly positional): imports, classes,
 * interfaces, objects and enum classes with their delegation specifiers as bases, functions,
 * properties and primary-constructor `val`s; calls, navigation (`a.b`) and user types.
 */
import { Extraction, typeName, type LanguageRules, type Visitor } from '../extract';
import { line1, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
      return [node.text];
    case 'this_expression':
      return ['this'];
    case 'super_expression':
      return ['super'];
    case 'user_type':
      return node.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text);
    case 'navigation_expression': {
      const [object, member] = [node.namedChild(0), node.namedChild(node.namedChildCount - 1)];
      const head = object ? chain(object) : null;
      return head && member?.type === 'identifier' && node.namedChildCount === 2 ? [...head, member.text] : null;
    }
    case 'parenthesized_expression':
      return node.namedChild(0) ? chain(node.namedChild(0)!) : null;
    default:
      return null;
  }
}

function typeOf(node: SyntaxNode | undefined): string | null {
  return node?.type === 'user_type' || node?.type === 'nullable_type' ? typeName(chain(node.type === 'nullable_type' ? node.namedChild(0)! : node)?.join('.') ?? null) : null;
}

function declareParameters(params: SyntaxNode | undefined, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    const name = param.namedChildren.find((c) => c.type === 'identifier');
    const type = param.namedChildren.find((c) => c.type === 'user_type' || c.type === 'nullable_type');
    if (name) x.local(name.text, typeOf(type));
    x.walk(type);
  }
}

const visitFunction: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.namedChildren.find((c) => c.type === 'function_body');
  const returns = node.namedChildren.find((c) => c.type === 'user_type' || c.type === 'nullable_type');
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body, type: typeOf(returns) });
  x.within(def.path, 'function', () => {
    declareParameters(node.namedChildren.find((c) => c.type === 'function_value_parameters'), x);
    x.walk(returns);
    x.walk(body);
  });
  return true;
};

function visitClass(defaultKind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    const body = node.namedChildren.find((c) => c.type === 'class_body' || c.type === 'enum_class_body');
    const isInterface = node.children.some((c) => c.type === 'interface');
    const isEnum = node.namedChildren.some((c) => c.type === 'enum_class_body');
    const bases: string[] = [];
    const superArguments: SyntaxNode[] = [];
    for (const spec of node.namedChildren.find((c) => c.type === 'delegation_specifiers')?.namedChildren ?? []) {
      const inner = spec.namedChild(0);
      const type = inner?.type === 'constructor_invocation' ? inner.namedChild(0) : inner;
      const segs = type ? chain(type) : null;
      if (segs?.length) {
        bases.push(segs.join('.'));
        x.use('type', segs, line1(spec));
      }
      const args = inner?.type === 'constructor_invocation' ? inner.namedChildren.find((c) => c.type === 'value_arguments') : undefined;
      if (args) superArguments.push(args);
    }
    const kind: SymbolKind = isInterface ? 'interface' : isEnum ? 'enum' : defaultKind;
    const def = name ? x.define(node, name.text, kind, { body, bases }) : null;
    x.within(def?.path ?? x.scopePath, 'class', () => {
      for (const param of node.namedChildren.find((c) => c.type === 'primary_constructor')?.namedChild(0)?.namedChildren ?? []) {
        const paramName = param.namedChildren.find((c) => c.type === 'identifier');
        const type = param.namedChildren.find((c) => c.type === 'user_type' || c.type === 'nullable_type');
        if (paramName && /^\s*(val|var)\b/.test(param.text.replace(/^(private|protected|public|internal|override)\s+/, ''))) x.define(param, paramName.text, 'field', { type: typeOf(type) });
        else if (paramName) x.local(paramName.text, typeOf(type));
        x.walk(type);
      }
      for (const args of superArguments) x.walk(args);
      for (const member of body?.namedChildren ?? []) {
        const entryName = member.type === 'enum_entry' ? member.namedChild(0) : null;
        if (entryName) x.define(member, entryName.text, 'field', { type: name?.text ?? null });
        else x.walk(member);
      }
    });
    return true;
  };
}

const visitProperty: Visitor = (node, x) => {
  const declaration = node.namedChildren.find((c) => c.type === 'variable_declaration');
  const name = declaration?.namedChildren.find((c) => c.type === 'identifier');
  const type = declaration?.namedChildren.find((c) => c.type === 'user_type' || c.type === 'nullable_type');
  const value = node.namedChildren.find((c) => c.type !== 'modifiers' && c.type !== 'variable_declaration');
  const made = value?.type === 'call_expression' && value.namedChild(0)?.type === 'identifier' && /^[A-Z]/.test(value.namedChild(0)!.text) ? value.namedChild(0)!.text : null;
  x.walk(type);
  x.walk(value);
  if (!name) return true;
  if (x.inFunction) x.local(name.text, typeOf(type) ?? made);
  else {
    const isConst = node.namedChildren.some((c) => c.type === 'modifiers' && /\bconst\b/.test(c.text));
    x.define(node, name.text, x.scopeKind === 'class' ? 'field' : isConst ? 'constant' : 'variable', { type: typeOf(type) ?? made });
  }
  return true;
};

const visitTypeAlias: Visitor = (node, x) => {
  const name = node.childForFieldName('type');
  const target = node.namedChildren.find((c) => c.type === 'user_type');
  if (name) x.define(node, name.text, 'type_alias', { type: typeOf(target) });
  x.walk(target);
  return true;
};

const visitImport: Visitor = (node, x) => {
  const path = node.namedChildren.find((c) => c.type === 'qualified_identifier');
  const alias = node.namedChildren.find((c) => c.type === 'identifier');
  if (!path) return true;
  const segs = path.namedChildren.map((c) => c.text);
  if (node.text.trim().endsWith('*')) x.importName(segs.join('.'), '*', null, line1(node));
  else {
    const name = segs.pop()!;
    x.importName(segs.join('.'), name, alias?.text ?? null, line1(node));
  }
  return true;
};

const visitCall: Visitor = (node, x) => {
  const callee = node.namedChild(0);
  const segs = callee ? chain(callee) : null;
  if (segs) x.use('call', segs, line1(node));
  else if (callee?.type === 'navigation_expression') {
    x.walk(callee.namedChild(0));
    const member = callee.namedChild(callee.namedChildCount - 1);
    if (member?.type === 'identifier') x.use('call', ['?', member.text], line1(node));
  } else x.walk(callee);
  for (const rest of node.namedChildren.slice(1)) x.walk(rest);
  return true;
};

const visitNavigation: Visitor = (node, x) => {
  const segs = chain(node);
  if (segs) x.use('reference', segs, line1(node));
  else x.walk(node.namedChild(0));
  return true;
};

const visitLambda: Visitor = (node, x) => {
  x.within(x.scopePath, 'function', () => {
    for (const child of node.namedChildren) {
      if (child.type === 'lambda_parameters') for (const p of child.namedChildren) for (const n of p.namedChildren) if (n.type === 'identifier') x.local(n.text);
      else x.walk(child);
    }
  });
  return true;
};

const visitFor: Visitor = (node, x) => {
  for (const child of node.namedChildren) {
    if (child.type === 'variable_declaration') {
      const name = child.namedChildren.find((c) => c.type === 'identifier');
      if (name) x.local(name.text);
    } else x.walk(child);
  }
  return true;
};

const VISITORS: Record<string, Visitor> = {
  package_header: () => true,
  import: visitImport,
  class_declaration: visitClass('class'),
  object_declaration: visitClass('class'),
  companion_object: visitClass('class'),
  function_declaration: visitFunction,
  property_declaration: visitProperty,
  type_alias: visitTypeAlias,
  call_expression: visitCall,
  navigation_expression: visitNavigation,
  user_type: (node, x) => {
    const segs = chain(node);
    if (segs?.length) x.use('type', segs, line1(node));
    return true;
  },
  lambda_literal: visitLambda,
  for_statement: visitFor,
  string_literal: () => true,
  line_comment: () => true,
  block_comment: () => true,
  annotation: () => true,
};

export function kotlinRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(),
    notReferenceFields: new Set(['name', 'type']),
    notReferenceParents: new Set(['parameter', 'class_parameter', 'variable_declaration', 'label']),
    receiverWords: { this: '@this', super: '@super' },
    builtins: new Set(['println', 'print', 'listOf', 'mapOf', 'setOf', 'mutableListOf', 'arrayOf', 'require', 'check', 'error', 'Int', 'Long', 'Double', 'Float', 'Boolean', 'String', 'Unit', 'Any', 'Nothing', 'List', 'Map', 'Set']),
  };
}
