/**
 * `shell` and the `cmdline_*` tools: both run through `runCommand` in a workspace folder
 * (the `workdir` must be inside the workspace) and answer in Refact's output layout.
 */
import { str, type ToolArgs } from '../../core/tools/args';
import { renderTemplate } from '../../core/tools/cmdline-spec';
import { filterOutput, parseOutputLimit } from '../../core/tools/output-filter';
import type { CmdlineTool } from '../../core/tools/cmdline-spec';
import type { ShellSettings } from './integrations';
import { formatCommandOutput, runCommand } from './shell';
import { failed, type ToolContext, type ToolResult } from './tool-types';
import { resolveToolPath } from './workspace-paths';

async function workdirOf(typed: string, ctx: ToolContext): Promise<string | { error: string }> {
  if (typed.trim() === '') return ctx.roots[0] ?? { error: 'The engine has no workspace folder to run commands in.' };
  const resolved = await resolveToolPath(typed, ctx.roots);
  if (!resolved.ok) return { error: resolved.error };
  if (!resolved.exists) return { error: `The workdir "${typed}" does not exist.` };
  return resolved.path;
}

export async function shellTool(args: ToolArgs, ctx: ToolContext, settings: ShellSettings, onSpawn?: (pid: number) => void): Promise<ToolResult> {
  const command = str(args, 'command').trim();
  const cwd = await workdirOf(str(args, 'workdir'), ctx);
  if (typeof cwd !== 'string') return failed(cwd.error);
  const timeoutS = str(args, 'timeout') ? Number(str(args, 'timeout')) : settings.timeoutS;
  const outcome = await runCommand({ command, cwd, timeoutMs: timeoutS * 1000, signal: ctx.signal, onSpawn });
  const limits = { limitLines: parseOutputLimit(str(args, 'output_limit'), settings.limitLines), limitChars: 20_000, grep: str(args, 'output_filter') || undefined };
  const content = formatCommandOutput(command, outcome, (text) => filterOutput(text, limits), timeoutS);
  return { ok: !outcome.spawnError && !outcome.timedOut && !outcome.aborted && outcome.exitCode === 0, content };
}

export async function cmdlineTool(tool: CmdlineTool, args: ToolArgs, ctx: ToolContext): Promise<ToolResult> {
  const command = renderTemplate(tool.command, args);
  const cwd = await workdirOf(renderTemplate(tool.workdir, args), ctx);
  if (typeof cwd !== 'string') return failed(cwd.error);
  const outcome = await runCommand({ command, cwd, timeoutMs: tool.timeoutS * 1000, signal: ctx.signal });
  const content = formatCommandOutput(command, outcome, (text) => filterOutput(text, { limitLines: tool.limitLines, limitChars: tool.limitChars }), tool.timeoutS);
  return { ok: !outcome.spawnError && !outcome.timedOut && !outcome.aborted && outcome.exitCode === 0, content };
}
