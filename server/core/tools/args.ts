/**
 * Checks a tool call's arguments against its spec before anything runs: the model's JSON is
 * parsed, required parameters must be there, and each value must have its declared type.
 * Models often send booleans and numbers as strings ("true", "40"); those are accepted and
 * converted, as Refact does. Every failure is a sentence the model can act on.
 */
import type { ToolDesc } from '../../../src/protocol/tools';

export type ToolArgs = Record<string, unknown>;
export type ArgsCheck = { ok: true; args: ToolArgs } | { ok: false; error: string };

/** The arguments of a tool call: a JSON object string (OpenAI) or an object already parsed. */
export function parseToolArgs(raw: unknown): ArgsCheck {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return { ok: true, args: {} };
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, error: `The arguments are not valid JSON (${(error as Error).message}). Send one JSON object with the parameters.` };
    }
  }
  if (value === null || value === undefined) return { ok: true, args: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'The arguments must be a JSON object with the parameters by name.' };
  return { ok: true, args: value as ToolArgs };
}

/** Required parameters present, declared types respected; undeclared arguments are dropped. */
export function checkArgsAgainstSpec(desc: ToolDesc, args: ToolArgs): ArgsCheck {
  const out: ToolArgs = {};
  for (const param of desc.parameters) {
    const value = args[param.name];
    if (value === undefined || value === null) {
      if (desc.parameters_required.includes(param.name)) return { ok: false, error: `Missing required argument \`${param.name}\` of \`${desc.name}\`: ${param.description}` };
      continue;
    }
    const converted = convert(value, param.type);
    if (converted === undefined) return { ok: false, error: `Argument \`${param.name}\` of \`${desc.name}\` must be a ${param.type}, got ${JSON.stringify(value).slice(0, 80)}.` };
    out[param.name] = converted;
  }
  return { ok: true, args: out };
}

function convert(value: unknown, type: string): unknown {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return undefined;
    case 'number':
    case 'integer':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return undefined;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    default:
      return value;
  }
}

/** A string argument (already checked), '' when absent. */
export function str(args: ToolArgs, name: string): string {
  const value = args[name];
  return typeof value === 'string' ? value : '';
}

export function bool(args: ToolArgs, name: string, fallback = false): boolean {
  const value = args[name];
  return typeof value === 'boolean' ? value : fallback;
}

/** Comma-separated lists (`paths`, `symbols`, `queries`), trimmed, empty items dropped. */
export function commaList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
