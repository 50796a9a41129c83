import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import type { ChatCompletionRequest, ToolDefinition } from '../../../../src/protocol/openai';
import { ApiError } from '../../http/api-error';
import { toGrammarSchema } from './json-schema';

export interface ForcedTool {
  name: string;
  /** The arguments' schema, as the grammar will enforce it. */
  schema: GbnfJsonSchema;
}

/**
 * What a chat request does with its tools on a local model: `none` shows none, `auto` leaves
 * the choice to the model (node-llama-cpp's function calling), `forced` (tool_choice
 * `required` or a named function) makes the reply one call to one of `tools`, generated under
 * a grammar. `functions` are the tools the prompt documents.
 */
export type ToolPlan =
  | { kind: 'none' }
  | { kind: 'auto'; functions: ChatModelFunctions }
  | { kind: 'forced'; tools: ForcedTool[]; functions: ChatModelFunctions };

/** A tool without `parameters` takes no arguments: `{}`. */
const NO_ARGUMENTS = { type: 'object', properties: {} } as const satisfies GbnfJsonSchema;

function argumentsSchema(tool: ToolDefinition, i: number): GbnfJsonSchema {
  const params = tool.function.parameters;
  return params === undefined ? NO_ARGUMENTS : toGrammarSchema(params, `tools[${i}].function.parameters`, 'tools');
}

function functionsOf(tools: ToolDefinition[], schemas: Array<GbnfJsonSchema | Record<string, unknown> | undefined>): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((t, i) => [
      t.function.name,
      { ...(t.function.description ? { description: t.function.description } : {}), ...(schemas[i] ? { params: schemas[i] as GbnfJsonSchema } : {}) },
    ]),
  );
}

/** The tools the model may call in `auto`; a schema the grammar cannot express is passed on as sent, as before. */
function autoFunctions(tools: ToolDefinition[]): ChatModelFunctions {
  const schemas = tools.map((t, i) => {
    try {
      return t.function.parameters === undefined ? undefined : argumentsSchema(t, i);
    } catch {
      return t.function.parameters;
    }
  });
  return functionsOf(tools, schemas);
}

/** `selected` of `all`, so an error names the tool's place in the request. */
function forced(selected: ToolDefinition[], all: ToolDefinition[]): ToolPlan {
  const list = selected.map((t) => ({ name: t.function.name, schema: argumentsSchema(t, all.indexOf(t)) }));
  return { kind: 'forced', tools: list, functions: functionsOf(selected, list.map((t) => t.schema)) };
}

export function planTools(tools: ToolDefinition[] | undefined, choice: ChatCompletionRequest['tool_choice'] | undefined): ToolPlan {
  const list = tools ?? [];
  const names = list.map((t) => t.function.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ApiError('badRequest', `two tools are named "${dup}"`, { param: 'tools' });
  if (choice === 'none' || (choice === undefined && list.length === 0)) return { kind: 'none' };
  if (choice === undefined || choice === 'auto') return list.length === 0 ? { kind: 'none' } : { kind: 'auto', functions: autoFunctions(list) };
  if (choice === 'required') {
    if (list.length === 0) throw new ApiError('badRequest', '"tool_choice": "required" needs at least one tool in "tools"', { param: 'tool_choice' });
    return forced(list, list);
  }
  const name = typeof choice === 'object' && choice.type === 'function' ? choice.function?.name : undefined;
  if (typeof name !== 'string') {
    throw new ApiError('badRequest', `"tool_choice" must be "none", "auto", "required" or {"type": "function", "function": {"name": ...}}`, { param: 'tool_choice' });
  }
  const tool = list.find((t) => t.function.name === name);
  if (!tool) {
    const known = names.length > 0 ? `; the tools are ${names.map((n) => `"${n}"`).join(', ')}` : '; no tools were given';
    throw new ApiError('badRequest', `"tool_choice" names the function "${name}", which is not in "tools"${known}`, { param: 'tool_choice' });
  }
  return forced([tool], list);
}
