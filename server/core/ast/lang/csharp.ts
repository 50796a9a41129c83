/**
 * C#: `using` directives (namespaces, so resolution leans on names), namespaces, classes,
 * structs, interfaces, records and enums with their base lists, methods, constructors,
 * properties and fields; invocations, `new`, member accesses inside bodies.
 */
import { Extraction, callVisitor, memberVisitor, typeName, type LanguageRules, type MemberSyntax, type Visitor } from '../extract';
import { line1, sameNode, type SyntaxNode } from '../syntax';
import type { LanguageId, SymbolKind } from '../types';

function chain(node: SyntaxNode): string[] | null {
  switch (node.type) {
    case 'identifier':
    case 'this':
    case 'base':
    case 'predefined_type':
      return [node.text];
    case 'generic_name':
      return node.namedChild(0) ? [node.namedChild(0)!.text] : null;
    case 'member_access_expression': {
      const expression = node.childForFieldName('expression');
      const name = node.childForFieldName('name');
      const head = expression ? chain(expression) : null;
      const tail = name ? chain(name) : null;
      return head && tail ? [...head, ...tail] : null;
    }
    case 'qualified_name': {
      const qualifier = node.childForFieldName('qualifier');
      const name = node.childForFieldName('name');
      const head = qualifier ? chain(qualifier) : null;
      return head && name ? [...head, ...(chain(name) ?? [name.text])] : null;
    }
    default:
      return null;
  }
}

const SYNTAX: MemberSyntax = { member: 'member_access_expression', object: 'expression', property: 'name', chain };

function typeText(node: SyntaxNode | null): string | null {
  if (!node || node.type === 'implicit_type' || node.type === 'predefined_type') return null;
  if (node.type === 'generic_name') return node.namedChild(0)?.text ?? null;
  if (node.type === 'nullable_type') return typeText(node.namedChild(0));
  return typeName(node.text);
}

function declareParameters(params: SyntaxNode | null, x: Extraction): void {
  for (const param of params?.namedChildren ?? []) {
    const name = param.childForFieldName('name');
    const type = param.childForFieldName('type');
    if (name) x.local(name.text, typeText(type));
    x.walk(type);
  }
}

const visitMethod: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  if (!name) return false;
  const body = node.childForFieldName('body');
  const returns = node.childForFieldName('returns') ?? node.childForFieldName('type');
  const def = x.define(node, name.text, x.scopeKind === 'class' ? 'method' : 'function', { body, type: typeText(returns) });
  x.within(def.path, 'function', () => {
    x.walk(node.childForFieldName('type_parameters'));
    declareParameters(node.childForFieldName('parameters'), x);
    x.walk(returns);
    for (const child of node.namedChildren) if (child.type === 'constructor_initializer' || child.type === 'arrow_expression_clause') x.walk(child);
    x.walk(body);
  });
  return true;
};

function visitType(kind: SymbolKind): Visitor {
  return (node, x) => {
    const name = node.childForFieldName('name');
    if (!name) return false;
    const bases: string[] = [];
    for (const base of node.namedChildren.find((c) => c.type === 'base_list')?.namedChildren ?? []) {
      const segs = chain(base);
      if (segs) {
        bases.push(segs.join('.'));
        x.use('type', segs, line1(base));
      }
    }
    const body = node.childForFieldName('body');
    const def = x.define(node, name.text, kind, { body, bases });
    x.within(def.path, 'class', () => {
      x.walk(node.childForFieldName('type_parameters'));
      const params = node.namedChildren.find((c) => c.type === 'parameter_list');
      for (const p of params?.namedChildren ?? []) {
        const pName = p.childForFieldName('name');
        if (pName) x.define(p, pName.text, 'field', { type: typeText(p.childForFieldName('type')) });
      }
      for (const member of body?.namedChildren ?? []) {
        if (member.type === 'enum_member_declaration') {
          const memberName = member.childForFieldName('name');
          if (memberName) x.define(member, memberName.text, 'field', { type: name.text });
        } else {
          x.walk(member);
        }
      }
    });
    return true;
  };
}

const visitField: Visitor = (node, x) => {
  const declaration = node.namedChildren.find((c) => c.type === 'variable_declaration');
  const type = declaration?.childForFieldName('type') ?? null;
  x.walk(type);
  for (const declarator of declaration?.namedChildren ?? []) {
    if (declarator.type !== 'variable_declarator') continue;
    const name = declarator.childForFieldName('name');
    if (name) x.define(declarator, name.text, node.namedChildren.some((c) => c.type === 'modifier' && c.text === 'const') ? 'constant' : 'field', { type: typeText(type) });
    for (const child of declarator.namedChildren) if (!sameNode(child, name)) x.walk(child);
  }
  return true;
};

const visitProperty: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const type = node.childForFieldName('type');
  if (name) x.define(node, name.text, 'field', { type: typeText(type) });
  x.walk(type);
  x.walk(node.childForFieldName('value'));
  return true;
};

const visitLocalDeclaration: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  x.walk(type);
  for (const declarator of node.namedChildren) {
    if (declarator.type !== 'variable_declarator') continue;
    const name = declarator.childForFieldName('name');
    const value = declarator.namedChildren.find((c) => !sameNode(c, name));
    x.walk(value);
    const constructed = value?.type === 'object_creation_expression' ? typeText(value.childForFieldName('type')) : null;
    if (name) x.local(name.text, typeText(type) ?? constructed);
  }
  return true;
};

const visitNamespace: Visitor = (node, x) => {
  const name = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!name) return false;
  const def = x.define(node, name.text, 'namespace', { body });
  // A file-scoped namespace has no body: the rest of the file is inside it.
  x.within(def.path, 'namespace', () => (body ? x.walk(body) : undefined));
  return true;
};

const visitUsing: Visitor = (node, x) => {
  const alias = node.childForFieldName('name');
  const target = node.namedChildren.find((c) => !sameNode(c, alias) && (c.type === 'qualified_name' || c.type === 'identifier'));
  if (target) x.importName(target.text, '*', alias?.text ?? null, line1(node));
  return true;
};

const visitNew: Visitor = (node, x) => {
  const type = node.childForFieldName('type');
  const segs = type ? chain(type) : null;
  if (segs) x.use('call', segs, line1(node));
  x.walk(node.childForFieldName('arguments'));
  x.walk(node.childForFieldName('initializer'));
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

const visitForeach: Visitor = (node, x) => {
  const left = node.childForFieldName('left');
  if (left?.type === 'identifier') x.local(left.text, typeText(node.childForFieldName('type')));
  x.walk(node.childForFieldName('right'));
  x.walk(node.childForFieldName('body'));
  return true;
};

const VISITORS: Record<string, Visitor> = {
  using_directive: visitUsing,
  namespace_declaration: visitNamespace,
  file_scoped_namespace_declaration: visitNamespace,
  class_declaration: visitType('class'),
  struct_declaration: visitType('struct'),
  record_declaration: visitType('class'),
  interface_declaration: visitType('interface'),
  enum_declaration: visitType('enum'),
  method_declaration: visitMethod,
  constructor_declaration: visitMethod,
  local_function_statement: visitMethod,
  field_declaration: visitField,
  property_declaration: visitProperty,
  local_declaration_statement: (node, x) => {
    const declaration = node.namedChildren.find((c) => c.type === 'variable_declaration');
    return declaration ? visitLocalDeclaration(declaration, x) : false;
  },
  invocation_expression: callVisitor(SYNTAX),
  object_creation_expression: visitNew,
  member_access_expression: memberVisitor(SYNTAX),
  lambda_expression: visitLambda,
  foreach_statement: visitForeach,
  attribute_list: () => true,
  string_literal: () => true,
  verbatim_string_literal: () => true,
  comment: () => true,
};

export function csharpRules(language: LanguageId): LanguageRules {
  return {
    language,
    visitors: VISITORS,
    identifiers: new Set(['identifier']),
    typeIdentifiers: new Set(),
    notReferenceFields: new Set(['name']),
    notReferenceParents: new Set(['parameter', 'type_parameter', 'labeled_statement', 'name_colon']),
    receiverWords: { this: '@this', base: '@super' },
    builtins: new Set(['var', 'Console', 'String', 'Object', 'Math', 'Exception', 'Task', 'List', 'Dictionary', 'nameof']),
  };
}
