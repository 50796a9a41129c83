/**
 * `integrations.d/cmdline_<name>.yaml` (Refact's format): a command with `%param%`
 * placeholders the model fills, a description and parameters for the model, a timeout, an
 * output filter and confirmation globs. Parsed here from the YAML's value; values the model
 * supplies are shell-quoted when they are put into the command.
 */
import type { ToolDesc, ToolParam } from '../../../src/protocol/tools';
import type { ToolArgs } from './args';
import { parseConfirmation, type ConfirmationRules } from './confirmation';

export interface CmdlineTool {
  name: string;
  command: string;
  workdir: string;
  timeoutS: number;
  limitLines: number;
  limitChars: number;
  confirmation: ConfirmationRules;
  desc: Omit<ToolDesc, 'source'>;
}

export function parseCmdlineTool(name: string, value: unknown): CmdlineTool | string {
  if (typeof value !== 'object' || value === null) return 'expected a mapping';
  const v = value as Record<string, unknown>;
  if (typeof v.command !== 'string' || v.command.trim() === '') return '`command` is missing';
  const params: ToolParam[] = [];
  if (v.parameters !== undefined && !Array.isArray(v.parameters)) return '`parameters` must be a list';
  for (const raw of (v.parameters as unknown[] | undefined) ?? []) {
    const param = raw as Record<string, unknown>;
    if (typeof param?.name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(param.name)) return `a parameter needs a snake_case \`name\` (got ${JSON.stringify(param?.name)})`;
    params.push({ name: param.name, type: 'string', description: typeof param.description === 'string' ? param.description : '' });
  }
  const required = Array.isArray(v.parameters_required) ? v.parameters_required.filter((x): x is string => typeof x === 'string') : params.map((q) => q.name);
  const filter = (typeof v.output_filter === 'object' && v.output_filter) ? v.output_filter as Record<string, unknown> : {};
  const num = (x: unknown, fallback: number) => (typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : fallback);
  return {
    name,
    command: v.command,
    workdir: typeof v.command_workdir === 'string' ? v.command_workdir : '',
    timeoutS: num(v.timeout, 10),
    limitLines: num(filter.limit_lines, 100),
    limitChars: num(filter.limit_chars, 10_000),
    confirmation: parseConfirmation(v.confirmation) ?? { ask_user: [], deny: [] },
    desc: {
      name, display_name: name, agentic: true, experimental: false,
      description: typeof v.description === 'string' ? v.description : `Runs: ${v.command}`,
      parameters: params, parameters_required: required,
    },
  };
}

/** POSIX shell quoting, as Refact's `shell_escape`; an empty value stays empty. */
export function shellQuote(value: string): string {
  if (value === '') return '';
  return /^[A-Za-z0-9_\-.,/:=@+]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command (or workdir) with each `%param%` replaced by the quoted argument. */
export function renderTemplate(template: string, args: ToolArgs): string {
  return template.replace(/%([a-z_][a-z0-9_]*)%/g, (whole, name: string) => (typeof args[name] === 'string' ? shellQuote(args[name] as string) : whole));
}
