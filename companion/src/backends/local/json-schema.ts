import type { GbnfJsonSchema } from 'node-llama-cpp';
import { ApiError } from '../../http/api-error';

type Node = Record<string, unknown>;

/**
 * Keywords that restrict values in ways node-llama-cpp's JSON-schema grammar cannot express.
 * Generating while ignoring them could yield JSON that fails the client's schema, so a schema
 * that uses one is refused instead. (`minimum`/`maximum` are handled per type below.)
 */
const UNSUPPORTED = [
  'not', 'if', 'then', 'else', 'pattern', 'patternProperties', 'propertyNames', 'dependentRequired',
  'dependentSchemas', 'dependencies', 'contains', 'minContains', 'maxContains', 'uniqueItems', 'multipleOf',
  'unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$recursiveRef',
];

/** Keywords that give a node its shape; `anyOf` beside one of them would need an intersection. */
const STRUCTURAL = ['type', 'properties', 'items', 'prefixItems', 'enum', 'const', 'additionalProperties', 'required'];

/** An integer range up to this wide becomes an enum of its values. */
const MAX_INTEGER_RANGE = 1024;

/** Any JSON value: the grammar has no "anything" schema, so it is spelled out. */
const ANY: Node = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] };

const FORMATS = new Set(['date-time', 'time', 'date']);

interface Scope {
  /** Where the schema came from, for error messages: `tools[0].function.parameters`. */
  where: string;
  param: string;
  /** Names of the `$defs` visible here. */
  defs: ReadonlySet<string>;
}

function fail(scope: Scope, path: string, message: string): never {
  throw new ApiError('badRequest', `${scope.where}${path ? ` at ${path}` : ''}: ${message}`, { param: scope.param });
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function literal(scope: Scope, path: string, v: unknown): string | number | boolean | null {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return v as string | number | boolean | null;
  return fail(scope, path, 'only string, number, boolean and null values can be required by "enum" or "const"');
}

/** The `$defs` (or draft-7 `definitions`) of a node, translated, and the scope that sees them. */
function withDefs(n: Node, path: string, scope: Scope): { scope: Scope; defs: Node | null } {
  const raw = n.$defs ?? n.definitions;
  if (raw === undefined) return { scope, defs: null };
  if (!isNode(raw)) return fail(scope, path, '"$defs" must be an object');
  const inner = { ...scope, defs: new Set([...scope.defs, ...Object.keys(raw)]) };
  const defs = Object.fromEntries(Object.entries(raw).map(([name, def]) => [name, translate(def, `${path}/$defs/${name}`, inner)]));
  return { scope: inner, defs };
}

function ref(n: Node, path: string, scope: Scope): Node {
  const m = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(String(n.$ref));
  if (!m) return fail(scope, path, `"$ref" must point into "$defs" ("#/$defs/Name"), not "${String(n.$ref)}"`);
  if (!scope.defs.has(m[1]!)) return fail(scope, path, `"$ref" names "${m[1]}", which is not in "$defs"`);
  return { $ref: `#/$defs/${m[1]}` };
}

function integer(n: Node, path: string, scope: Scope): Node {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const lo = num(n.exclusiveMinimum) !== undefined ? Math.floor(num(n.exclusiveMinimum)!) + 1 : num(n.minimum) !== undefined ? Math.ceil(num(n.minimum)!) + (n.exclusiveMinimum === true ? 1 : 0) : undefined;
  const hi = num(n.exclusiveMaximum) !== undefined ? Math.ceil(num(n.exclusiveMaximum)!) - 1 : num(n.maximum) !== undefined ? Math.floor(num(n.maximum)!) - (n.exclusiveMaximum === true ? 1 : 0) : undefined;
  if (lo === undefined && hi === undefined) return { type: 'integer' };
  if (lo !== undefined && hi !== undefined && hi >= lo && hi - lo < MAX_INTEGER_RANGE) {
    return { enum: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) };
  }
  return fail(scope, path, `integer bounds ("minimum"/"maximum") can be enforced only as a range of at most ${MAX_INTEGER_RANGE} values with both ends given`);
}

function object(n: Node, path: string, scope: Scope): Node {
  const props = n.properties ?? {};
  if (!isNode(props)) return fail(scope, path, '"properties" must be an object');
  const properties = Object.fromEntries(Object.entries(props).map(([key, value]) => [key, translate(value, `${path}/properties/${key}`, scope)]));
  for (const name of Array.isArray(n.required) ? n.required : []) {
    if (!Object.hasOwn(props, String(name))) fail(scope, path, `required property "${String(name)}" is not among "properties"`);
  }
  const out: Node = { type: 'object', properties };
  // Every listed property is generated, required or not: still valid JSON for the schema.
  if (n.additionalProperties === true || isNode(n.additionalProperties)) {
    out.additionalProperties = n.additionalProperties === true ? true : translate(n.additionalProperties, `${path}/additionalProperties`, scope);
    if (typeof n.minProperties === 'number') out.minProperties = n.minProperties;
    if (typeof n.maxProperties === 'number') out.maxProperties = n.maxProperties;
  }
  return out;
}

function array(n: Node, path: string, scope: Scope): Node {
  const out: Node = { type: 'array' };
  // Draft 4-7 tuples are `items: [...]`; 2020-12 spells them `prefixItems`.
  const prefix = Array.isArray(n.items) ? n.items : n.prefixItems;
  if (Array.isArray(prefix)) out.prefixItems = prefix.map((s, i) => translate(s, `${path}/prefixItems/${i}`, scope));
  if (n.items === false) out.maxItems = Array.isArray(prefix) ? prefix.length : 0;
  else if (n.items !== undefined && !Array.isArray(n.items)) out.items = translate(n.items, `${path}/items`, scope);
  if (typeof n.minItems === 'number') out.minItems = n.minItems;
  if (typeof n.maxItems === 'number' && out.maxItems === undefined) out.maxItems = n.maxItems;
  return out;
}

function string(n: Node): Node {
  const bounded = typeof n.minLength === 'number' || typeof n.maxLength === 'number';
  // Other formats (email, uri, ...) are annotations by default in JSON Schema; they are dropped.
  if (typeof n.format === 'string' && FORMATS.has(n.format) && !bounded) return { type: 'string', format: n.format };
  return { type: 'string', ...(typeof n.minLength === 'number' ? { minLength: n.minLength } : {}), ...(typeof n.maxLength === 'number' ? { maxLength: n.maxLength } : {}) };
}

function typed(n: Node, type: unknown, path: string, scope: Scope): Node {
  const bounded = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].some((k) => k in n);
  switch (type) {
    case undefined:
      return ANY;
    case 'string':
      return string(n);
    case 'integer':
      return integer(n, path, scope);
    case 'number':
      if (bounded) fail(scope, path, 'number bounds ("minimum"/"maximum") cannot be expressed by the generation grammar');
      return { type: 'number' };
    case 'boolean':
    case 'null':
      return { type };
    case 'object':
      return object(n, path, scope);
    case 'array':
      return array(n, path, scope);
    default:
      return fail(scope, path, `unknown type ${JSON.stringify(type)}`);
  }
}

function inferType(n: Node): string | undefined {
  if ('properties' in n || 'additionalProperties' in n || 'required' in n) return 'object';
  if ('items' in n || 'prefixItems' in n) return 'array';
  if ('minLength' in n || 'maxLength' in n) return 'string';
  return undefined;
}

function shape(n: Node, path: string, scope: Scope): Node {
  if ('const' in n) return { const: literal(scope, `${path}/const`, n.const) };
  if (n.enum !== undefined) {
    if (!Array.isArray(n.enum) || n.enum.length === 0) return fail(scope, path, '"enum" must be a non-empty array');
    return { enum: n.enum.map((v, i) => literal(scope, `${path}/enum/${i}`, v)) };
  }
  if (n.$ref !== undefined) return ref(n, path, scope);
  const key = ['anyOf', 'oneOf', 'allOf'].find((k) => n[k] !== undefined);
  if (key) {
    const alts = n[key];
    if (!Array.isArray(alts) || alts.length === 0) return fail(scope, path, `"${key}" must be a non-empty array`);
    const beside = STRUCTURAL.find((k) => k in n);
    if (beside) return fail(scope, path, `"${key}" beside "${beside}" cannot be expressed by the generation grammar`);
    // A one-schema `allOf` is how generators wrap a `$ref` with a description; more is an intersection.
    if (key === 'allOf' && alts.length > 1) return fail(scope, path, '"allOf" of several schemas cannot be expressed by the generation grammar');
    if (alts.length === 1) return translate(alts[0], `${path}/${key}/0`, scope);
    return { oneOf: alts.map((s, i) => translate(s, `${path}/${key}/${i}`, scope)) };
  }
  const type = n.type ?? inferType(n);
  if (!Array.isArray(type)) return typed(n, type, path, scope);
  if (type.length === 0) return fail(scope, path, '"type" must not be an empty list');
  if (type.length === 1) return typed(n, type[0], path, scope);
  return { oneOf: type.map((t) => typed(n, t, path, scope)) };
}

function translate(schema: unknown, path: string, scope: Scope): Node {
  if (schema === true) return ANY;
  if (!isNode(schema)) return fail(scope, path, schema === false ? 'the schema "false" matches nothing' : 'a schema must be an object');
  const bad = UNSUPPORTED.find((k) => k in schema);
  if (bad) return fail(scope, path, `"${bad}" cannot be expressed by the generation grammar`);
  const { scope: inner, defs } = withDefs(schema, path, scope);
  let out = shape(schema, path, inner);
  if (defs) out = { ...out, $defs: defs };
  // OpenAPI 3.0's spelling of "or null".
  if (schema.nullable === true) out = { oneOf: [out, { type: 'null' }] };
  return out;
}

/**
 * A client's JSON Schema as the subset node-llama-cpp turns into a grammar: `anyOf` becomes
 * `oneOf`, `definitions` become `$defs`, small integer ranges become enums, annotations are
 * dropped. Anything the grammar could not enforce is a 400 naming `where` and the JSON pointer.
 */
export function toGrammarSchema(schema: unknown, where: string, param: string): GbnfJsonSchema {
  return translate(schema, '', { where, param, defs: new Set() }) as GbnfJsonSchema;
}

/** Any JSON object, for `response_format: {type: "json_object"}`. */
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const satisfies GbnfJsonSchema;
