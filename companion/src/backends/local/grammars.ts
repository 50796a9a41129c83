import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ResponseFormat } from '../../../../src/protocol/openai';
import { ApiError } from '../../http/api-error';
import { ANY_OBJECT, toGrammarSchema } from './json-schema';
import type { ToolPlan } from './tool-choice';

/**
 * node-llama-cpp's number rules allow exponents of up to 16 digits, so an "integer" can come out
 * as `3e4208624`, which JSON.parse reads as Infinity. Integers are written without an exponent
 * and with at most 15 digits (exact in a double); other numbers keep a two-digit exponent.
 */
const NUMBER_RULES = new Map([
  ['integer-number-rule', '"-"? ("0" | [1-9] [0-9]{0,14})'],
  ['fractional-number-rule', '"-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})?'],
]);

function tightenNumbers(gbnf: string): string {
  return gbnf
    .split('\n')
    .map((line) => {
      const name = line.slice(0, Math.max(0, line.indexOf(' ::= ')));
      const rule = NUMBER_RULES.get(name);
      return rule === undefined ? line : `${name} ::= ${rule}`;
    })
    .join('\n');
}

/** A grammar for JSON text matching `schema`, which ends generation once the value is complete. */
export async function jsonGrammar(llama: Llama, schema: GbnfJsonSchema, where: string, param: string): Promise<LlamaGrammar> {
  try {
    const base = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema);
    return await llama.createGrammar({ grammar: tightenNumbers(base.grammar), stopGenerationTriggers: base.stopGenerationTriggers, trimWhitespaceSuffix: true });
  } catch (err) {
    throw new ApiError('badRequest', `${where}: the schema could not be made into a grammar (${err instanceof Error ? err.message : String(err)})`, { param });
  }
}

/** The schema `response_format` asks for, or null for plain text. */
export function responseFormatSchema(format: ResponseFormat | undefined): GbnfJsonSchema | null {
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') return ANY_OBJECT;
  if (!format.json_schema) throw new ApiError('badRequest', '"response_format" of type "json_schema" needs a "json_schema" object', { param: 'response_format' });
  // OpenAI requires `schema`; without one, any JSON value is the most that can be promised.
  return toGrammarSchema(format.json_schema.schema ?? true, 'response_format.json_schema.schema', 'response_format');
}

/** How one chat reply is generated: freely, as JSON text, or as a forced tool call. */
export type ChatMode =
  | { kind: 'free' }
  | { kind: 'json'; grammar: LlamaGrammar }
  | { kind: 'tool'; tools: Array<{ name: string; grammar: LlamaGrammar }>; names: LlamaGrammar | null };

/**
 * Compiles every grammar a chat request needs before it takes a sequence, so a schema that
 * cannot be compiled is a 400 and never a failure halfway through a stream.
 */
export async function chatMode(llama: Llama, plan: ToolPlan, format: GbnfJsonSchema | null): Promise<ChatMode> {
  if (plan.kind === 'forced') {
    const tools = await Promise.all(
      plan.tools.map(async (t) => ({ name: t.name, grammar: await jsonGrammar(llama, t.schema, `parameters of tool "${t.name}"`, 'tools') })),
    );
    const names = tools.length > 1 ? await jsonGrammar(llama, { enum: tools.map((t) => t.name) }, 'tool names', 'tools') : null;
    return { kind: 'tool', tools, names };
  }
  if (!format) return { kind: 'free' };
  if (plan.kind === 'auto') {
    // node-llama-cpp cannot apply a grammar and function calling to one generation.
    throw new ApiError('unsupported', '"response_format" cannot be combined with tools on a local model unless "tool_choice" is "none", "required" or a named function', { param: 'response_format' });
  }
  return { kind: 'json', grammar: await jsonGrammar(llama, format, 'response_format', 'response_format') };
}
