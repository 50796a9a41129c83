/**
 * The agent's tools behind one interface: which tools exist now (the built-in table, plus
 * `cmdline_*` integrations; AST/retrieval tools only when those indexes run), which a chat mode
 * offers, whether a call's arguments are right, whether it needs the user's confirmation, and
 * running it. `/v1/tools`, the session loop and the prompt-based protocol all ask here.
 */
import type { ChatContextFile, ChatMessage } from '../../../src/protocol/chat';
import type { FileEditDryRunResponse, OpenAIToolSpec, ToolDesc, ToolGroupResponse, ToolPauseReason, ToolsCheckConfirmationResponse } from '../../../src/protocol/tools';
import type { ChatToolCall } from '../../../src/protocol/chat';
import type { VdbSearchResult } from '../../../src/protocol/workspace';
import type { AstIndex } from '../../core/ast/ast-index';
import type { Resolver } from '../../core/ast/resolve';
import type { TreeInput, WorkspaceTree } from '../../core/ast/workspace-tree';
import { checkArgsAgainstSpec, parseToolArgs, type ArgsCheck, type ToolArgs } from '../../core/tools/args';
import { BUILTIN_TOOLS, offeredInMode, toOpenAITool, type ToolEntry, type ToolGroupName } from '../../core/tools/builtin-specs';
import { renderTemplate } from '../../core/tools/cmdline-spec';
import { decideConfirmation, DEFAULT_CONFIRMATION, NO_RULES, type ConfirmationRules } from '../../core/tools/confirmation';
import { cmdlineTool, shellTool } from './command-tools';
import { newChatFileState, type ChatFileState, type Editor } from './editor';
import { EDIT_TOOL_NAMES, editTool, mvTool, rmTool, runEditTool } from './file-tools';
import type { LoadedIntegrations, ToolIntegrations } from './integrations';
import { catTool, treeTool } from './read-tools';
import { searchPatternTool, searchSemanticTool, symbolDefinitionTool, symbolUsagesTool } from './search-tools';
import { failed, type PrivacyGate, type ToolContext, type ToolResult } from './tool-types';
import { defaultFetchPage, webTool, type FetchPage } from './web-tool';

export interface ToolRegistryDeps {
  editor: Editor;
  integrations: ToolIntegrations;
  privacy: PrivacyGate | null;
  /** Workspace files (gitignore and indexing blocklists applied), cached briefly by the caller. */
  listFiles: () => Promise<string[]>;
  /** A file's text for attaching definitions and search hits; null when unreadable. */
  readText: (path: string) => Promise<string | null>;
  ast: { readonly index: AstIndex; readonly resolver: Resolver; tree(options?: Omit<TreeInput, 'roots'>): WorkspaceTree } | null;
  retrieval: { search(query: string, topN: number): Promise<VdbSearchResult> } | null;
  fetchPage?: FetchPage;
  /** Tests watch the shell's process group through this. */
  onShellSpawn?: (pid: number) => void;
  /**
   * More tools from elsewhere, listed after the built-in and command-line ones: MCP servers plug
   * in here (group `MCP <server>`, shown with category `mcp`), with their own rules and runner.
   */
  extraTools?: () => AvailableTool[];
}

/** A tool as it stands now: its spec with the config file, rules, and how to run it. */
export interface AvailableTool {
  desc: ToolDesc;
  group: ToolGroupName | `MCP ${string}`;
  readOnly: boolean;
  enabled: boolean;
  confirmation: ConfirmationRules;
  /** The integration file the GUI opens to change the rules; null for built-ins. */
  integrConfigPath: string | null;
  check?: ToolEntry['check'];
  command: (args: ToolArgs) => string;
  run: (args: ToolArgs, ctx: ToolContext) => Promise<ToolResult>;
}

export type ConfirmationDecision = Omit<ToolPauseReason, 'tool_call_id' | 'type'> & { decision: 'run' | 'ask' | 'deny' };

/** One call of a batch the model asked for, as checked before anything ran. */
export interface PendingCall {
  call: ChatToolCall;
  /** The checked arguments, or why they are wrong (then the error goes to the model). */
  checked: ArgsCheck;
  decision: ConfirmationDecision['decision'];
  reason: ToolPauseReason | null;
  /** The user's answer to a call that asked. */
  accepted?: boolean;
}

/** A chat's tool state: what its model read, the tools the user allowed for the whole chat, a batch waiting for decisions. */
export interface ChatToolState {
  files: ChatFileState;
  allowedForChat: Set<string>;
  pending: PendingCall[] | null;
  /** Whether the chat's model runs on a server the user controls (privacy), from its last request. */
  modelIsLocal: boolean;
}

export function newChatToolState(): ChatToolState {
  return { files: newChatFileState(), allowedForChat: new Set(), pending: null, modelIsLocal: false };
}

export class ToolRegistry {
  constructor(private readonly deps: ToolRegistryDeps) {}

  /** Every tool available now, enabled or not. */
  async available(): Promise<AvailableTool[]> {
    return this.availableSync();
  }

  /** The same, synchronously (the session loop builds its request's tool list this way). */
  availableSync(): AvailableTool[] {
    const loaded = this.deps.integrations.load();
    const builtinPath = this.deps.integrations.builtinConfigPath;
    const out: AvailableTool[] = [];
    for (const entry of BUILTIN_TOOLS) {
      if (entry.dependsOn === 'ast' && !this.deps.ast) continue;
      if (entry.dependsOn === 'vecdb' && !this.deps.retrieval) continue;
      const isShell = entry.desc.name === 'shell';
      const configPath = isShell ? loaded.shell.configPath : builtinPath;
      out.push({
        desc: { ...entry.desc, source: { source_type: entry.desc.source.source_type, config_path: configPath } },
        group: entry.group,
        readOnly: entry.readOnly,
        enabled: loaded.enabled.get(entry.desc.name) ?? true,
        confirmation: isShell ? loaded.shell.confirmation : DEFAULT_CONFIRMATION[entry.desc.name] ?? NO_RULES,
        integrConfigPath: isShell ? configPath : null,
        check: entry.check,
        command: entry.command ?? (() => ''),
        run: this.runner(entry.desc.name, loaded),
      });
    }
    for (const tool of loaded.cmdline) {
      out.push({
        desc: { ...tool.desc, source: { source_type: 'integration', config_path: tool.configPath } },
        group: 'Integrations',
        readOnly: false,
        enabled: loaded.enabled.get(tool.name) ?? true,
        confirmation: tool.confirmation,
        integrConfigPath: tool.configPath,
        command: (args) => renderTemplate(tool.command, args),
        run: (args, ctx) => cmdlineTool(tool, args, ctx),
      });
    }
    out.push(...(this.deps.extraTools?.() ?? []));
    return out;
  }

  /** `GET /v1/tools`: groups in Refact's order, empty ones left out. */
  async groups(): Promise<ToolGroupResponse[]> {
    const descriptions: Record<string, string> = { 'Codebase Search': 'Codebase search tools', 'Codebase Change': 'Codebase modification tools', Web: 'Web tools', Integrations: 'Integration tools' };
    const groups = new Map<string, ToolGroupResponse>();
    for (const tool of await this.available()) {
      const group = groups.get(tool.group) ?? { name: tool.group, description: descriptions[tool.group] ?? `Tools of ${tool.group}`, category: tool.group.startsWith('MCP ') ? 'mcp' : tool.desc.source.source_type, tools: [] };
      group.tools.push({ spec: tool.desc, enabled: tool.enabled });
      groups.set(tool.group, group);
    }
    return [...groups.values()];
  }

  /** The enabled tools a chat mode offers. */
  async forMode(mode: string): Promise<AvailableTool[]> {
    return (await this.available()).filter((t) => t.enabled && offeredInMode(mode, t));
  }

  /** The tools to send the model (OpenAI function specs). */
  async list(mode: string): Promise<OpenAIToolSpec[]> {
    return this.listSync(mode);
  }

  listSync(mode: string): OpenAIToolSpec[] {
    return this.availableSync().filter((t) => t.enabled && offeredInMode(mode, t)).map((t) => toOpenAITool(t.desc));
  }

  /** Parses and checks a call's arguments; unknown tools and tools the mode does not offer are errors too. */
  async check(name: string, rawArgs: unknown, mode = 'AGENT'): Promise<ArgsCheck> {
    const tools = await this.forMode(mode);
    const tool = tools.find((t) => t.desc.name === name);
    if (!tool) {
      const exists = (await this.available()).some((t) => t.desc.name === name);
      const known = tools.map((t) => t.desc.name).join(', ') || 'none';
      const needs = BUILTIN_TOOLS.find((t) => t.desc.name === name)?.dependsOn;
      if (!exists && needs) return { ok: false, error: `The tool \`${name}\` needs the ${needs === 'ast' ? 'AST index (--ast)' : 'search index (--vecdb)'}, which is turned off. Available tools: ${known}.` };
      return { ok: false, error: exists ? `The tool \`${name}\` is not available in ${mode} mode (or is disabled). Available tools: ${known}.` : `There is no tool \`${name}\`. Available tools: ${known}.` };
    }
    return checkTool(tool, rawArgs);
  }

  /** Whether the call runs, waits for the user, or is refused; `args` as `check` returned them. */
  async needsConfirmation(name: string, args: ToolArgs, allowedForChat: ReadonlySet<string> = new Set()): Promise<ConfirmationDecision> {
    const tool = (await this.available()).find((t) => t.desc.name === name);
    if (!tool) return { decision: 'run', command: name, rule: '', integr_config_path: null };
    const command = tool.command(args);
    if (command === '') return { decision: 'run', command, rule: '', integr_config_path: tool.integrConfigPath };
    const verdict = decideConfirmation(command, tool.confirmation, allowedForChat.has(name));
    return { decision: verdict.result, command, rule: verdict.rule, integr_config_path: tool.integrConfigPath };
  }

  /**
   * `POST /v1/tools-check-if-confirmation-needed` and the loop's pause check: reasons for the
   * calls that must wait or are denied. Unknown tools and bad arguments are not reasons: running
   * them returns the error to the model.
   */
  async checkToolCalls(calls: readonly ChatToolCall[], allowedForChat: ReadonlySet<string> = new Set(), mode = 'AGENT'): Promise<ToolsCheckConfirmationResponse> {
    const reasons: ToolPauseReason[] = [];
    for (const call of calls) {
      const checked = await this.check(call.function.name, call.function.arguments, mode);
      if (!checked.ok) continue;
      const decision = await this.needsConfirmation(call.function.name, checked.args, allowedForChat);
      if (decision.decision === 'run') continue;
      reasons.push({ type: decision.decision === 'ask' ? 'confirmation' : 'denial', command: decision.command, rule: decision.rule, tool_call_id: call.id, integr_config_path: decision.integr_config_path });
    }
    return { pause: reasons.length > 0, pause_reasons: reasons };
  }

  /**
   * Runs one call: checks it again (a tool loop must never run unchecked arguments), refuses a
   * denied one, and turns any throw into a failed result the model reads. Confirmation is the
   * caller's: it runs a call that asks only after the user accepted it.
   */
  async run(name: string, rawArgs: unknown, ctx: ToolContext, mode = 'AGENT'): Promise<ToolResult> {
    const checked = await this.check(name, rawArgs, mode);
    if (!checked.ok) return failed(checked.error);
    const decision = await this.needsConfirmation(name, checked.args);
    if (decision.decision === 'deny') return failed(`The command \`${decision.command}\` is denied by the rule \`${decision.rule}\`${decision.integr_config_path ? ` in ${decision.integr_config_path}` : ''}. Do not retry it; find another way or ask the user.`);
    if (ctx.signal.aborted) return failed(`${name} was not run: the turn was stopped.`);
    const tool = (await this.available()).find((t) => t.desc.name === name)!;
    try {
      return await tool.run(checked.args, ctx);
    } catch (error) {
      return failed(`${name} failed: ${(error as Error).message}`);
    }
  }

  /** `POST /v1/file_edit_tool_dry_run`: what an edit would do, nothing written. */
  async dryRun(toolName: string, rawArgs: unknown, roots: string[]): Promise<FileEditDryRunResponse | { error: string; unknownTool?: boolean }> {
    if (!(EDIT_TOOL_NAMES as readonly string[]).includes(toolName)) return { error: `Unknown tool name: ${toolName}`, unknownTool: true };
    const entry = BUILTIN_TOOLS.find((t) => t.desc.name === toolName)!;
    const checked = checkTool({ desc: { ...entry.desc, source: { source_type: 'builtin', config_path: '' } }, check: entry.check }, rawArgs);
    if (!checked.ok) return { error: checked.error };
    // A dry run has no chat: no stale check, and the whole file is known to the caller.
    const ctx: ToolContext = { chatId: '', signal: new AbortController().signal, roots, files: newChatFileState(), modelIsLocal: true };
    const result = await runEditTool(toolName, checked.args, ctx, { editor: this.deps.editor, privacy: null }, true);
    if (!result.ok) return { error: result.error };
    return { file_before: result.before, file_after: result.after, chunks: result.chunks };
  }

  private runner(name: string, loaded: LoadedIntegrations): (args: ToolArgs, ctx: ToolContext) => Promise<ToolResult> {
    const d = this.deps;
    const files = { editor: d.editor, privacy: d.privacy };
    const reading = { ...files, listFiles: d.listFiles, ast: d.ast };
    const searching = { privacy: d.privacy, listFiles: d.listFiles, ast: d.ast, retrieval: d.retrieval, readText: d.readText };
    switch (name) {
      case 'cat': return (args, ctx) => catTool(args, ctx, reading);
      case 'tree': return (args, ctx) => treeTool(args, ctx, reading);
      case 'search_pattern': return (args, ctx) => searchPatternTool(args, ctx, searching);
      case 'search_symbol_definition': return (args, ctx) => symbolDefinitionTool(args, ctx, searching);
      case 'search_symbol_usages': return (args, ctx) => symbolUsagesTool(args, ctx, searching);
      case 'search_semantic': return (args, ctx) => searchSemanticTool(args, ctx, searching);
      case 'rm': return (args, ctx) => rmTool(args, ctx, files);
      case 'mv': return (args, ctx) => mvTool(args, ctx, files);
      case 'web': return (args, ctx) => webTool(args, ctx, d.fetchPage ?? defaultFetchPage);
      case 'shell': return (args, ctx) => shellTool(args, ctx, loaded.shell, d.onShellSpawn);
      default: return (args, ctx) => editTool(name, args, ctx, files);
    }
  }
}

function checkTool(tool: Pick<AvailableTool, 'desc' | 'check'>, rawArgs: unknown): ArgsCheck {
  const parsed = parseToolArgs(rawArgs);
  if (!parsed.ok) return parsed;
  const typed = checkArgsAgainstSpec(tool.desc, parsed.args);
  if (!typed.ok) return typed;
  const problem = tool.check?.(typed.args);
  return problem ? { ok: false, error: problem } : typed;
}

/**
 * The messages a tool result adds to the chat, in Refact's roles: the `tool` answer (marked
 * failed when it failed), the files it attached as one `context_file`, its edit as a `diff`.
 */
export function toolResultMessages(toolCallId: string, result: ToolResult, newId: () => string): ChatMessage[] {
  const messages: ChatMessage[] = [{ message_id: newId(), role: 'tool', tool_call_id: toolCallId, content: result.content, ...(result.ok ? {} : { tool_failed: true }) }];
  const files: ChatContextFile[] = result.contextFiles ?? [];
  if (files.length) messages.push({ message_id: newId(), role: 'context_file', tool_call_id: toolCallId, content: JSON.stringify(files) });
  if (result.diff?.length) messages.push({ message_id: newId(), role: 'diff', tool_call_id: toolCallId, content: JSON.stringify(result.diff) });
  return messages;
}
