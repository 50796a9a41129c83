/**
 * MCP servers as registry tools. Servers start when the engine starts (in the background, the
 * engine does not wait): the registry lists tools synchronously, so their names must be known
 * before a chat asks, and a server that cannot start shows up in `/v1/tools` at once rather
 * than at the model's first call. The YAMLs are read again every few seconds; a new, changed or
 * removed file starts, restarts or stops its server. Each tool is `mcp_<server>_<tool>` in the
 * group `MCP <server>`, matched against the integration's `ask_user`/`deny` globs by its MCP name.
 */
import type { ToolDesc, ToolParam } from '../../../../src/protocol/tools';
import type { ToolIntegrations } from '../integrations';
import type { AvailableTool } from '../tool-registry';
import { failed } from '../tool-types';
import { mcpConfigDirs, mcpServerName, mcpToolName, readMcpConfigs, type McpServerConfig } from './mcp-config';
import { McpSession, type McpToolInfo } from './mcp-session';

export interface McpToolsDeps {
  configDir: string;
  folders: () => readonly string[];
  integrations: ToolIntegrations;
  env?: Readonly<Record<string, string | undefined>>;
  version?: string;
  now?: () => number;
  log?: (message: string) => void;
}

const RELOAD_MS = 3000;

export class McpTools {
  private readonly sessions = new Map<string, { key: string; session: McpSession }>();
  private broken: Array<{ stem: string; configPath: string; error: string }> = [];
  private readAt = -Infinity;
  private disposed = false;

  constructor(private readonly deps: McpToolsDeps) {}

  /** Reads the YAMLs now and starts their servers in the background. */
  start(): void {
    this.sync(true);
  }

  /** Every session, for tests and status. */
  servers(): McpSession[] {
    return [...this.sessions.values()].map((s) => s.session);
  }

  /** Resolves when every server has started or failed. */
  async settled(): Promise<void> {
    this.sync(true);
    await Promise.all(this.servers().map((s) => s.start()));
  }

  /** The registry's `extraTools`. */
  tools(): AvailableTool[] {
    this.sync(false);
    const enabled = this.deps.integrations.load().enabled;
    const out: AvailableTool[] = [];
    for (const { session } of this.sessions.values()) {
      const c = session.config;
      if (session.state === 'failed' && session.tools.length === 0) out.push(this.unavailable(c, session.error));
      for (const tool of session.tools) {
        const desc = mcpToolDesc(c, tool);
        out.push({
          desc,
          group: `MCP ${c.server}`,
          readOnly: false,
          enabled: enabled.get(desc.name) ?? true,
          confirmation: c.confirmation,
          integrConfigPath: c.configPath,
          command: () => tool.name,
          run: async (args, ctx) => {
            const result = await session.call(tool.name, args, ctx.signal);
            return result.ok ? { ok: true, content: result.text } : failed(result.error);
          },
        });
      }
    }
    for (const b of this.broken) out.push(this.unavailable({ server: mcpServerName(b.stem), configPath: b.configPath, confirmation: { ask_user: ['*'], deny: [] } }, `${b.configPath}: ${b.error}`));
    return out;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const sessions = this.servers();
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.close()));
  }

  /**
   * A server that did not start is listed as one disabled tool whose description says why, so
   * `/v1/tools` shows the failure; never offered to the model unless the user turns it on, and
   * then a call tries the server again and reports the error.
   */
  private unavailable(c: Pick<McpServerConfig, 'server' | 'configPath' | 'confirmation'>, error: string): AvailableTool {
    const name = mcpToolName(c.server, 'unavailable');
    const session = this.sessions.get(c.configPath)?.session ?? null;
    return {
      desc: { name, display_name: `${c.server} (not running)`, agentic: true, experimental: false, description: `The MCP server \`${c.server}\` is not running: ${error}`, parameters: [], parameters_required: [], source: { source_type: 'integration', config_path: c.configPath } },
      group: `MCP ${c.server}`,
      readOnly: false,
      enabled: this.deps.integrations.load().enabled.get(name) ?? false,
      confirmation: { ask_user: [], deny: [] },
      integrConfigPath: c.configPath,
      command: () => '',
      run: async (_args, ctx) => {
        if (!session) return failed(`The MCP server \`${c.server}\` is not running: ${error}`);
        if (ctx.signal.aborted) return failed(`The MCP server \`${c.server}\` was not started: the turn was stopped.`);
        await session.start();
        return failed(session.state === 'ready' ? `The MCP server \`${c.server}\` is running again; call its tools instead.` : session.failure());
      },
    };
  }

  private sync(force: boolean): void {
    const now = (this.deps.now ?? Date.now)();
    if (this.disposed || (!force && now - this.readAt < RELOAD_MS)) return;
    this.readAt = now;
    const { configs, errors } = readMcpConfigs(mcpConfigDirs(this.deps.configDir, this.deps.folders()), this.deps.env ?? process.env);
    this.broken = errors;
    const wanted = new Map(configs.map((c) => [c.configPath, c]));
    for (const [path, { key, session }] of this.sessions) {
      const next = wanted.get(path);
      if (next && settingsKey(next) === key) {
        session.config = next;
        continue;
      }
      this.sessions.delete(path);
      void session.close();
    }
    for (const config of configs) {
      if (this.sessions.has(config.configPath)) continue;
      for (const w of config.warnings) this.deps.log?.(`${config.configPath}: ${w}`);
      const session = new McpSession(config, this.deps.version ?? '0', () => {
        if (session.state === 'failed') this.deps.log?.(`MCP server ${config.server}: ${session.error}`);
      });
      this.sessions.set(config.configPath, { key: settingsKey(config), session });
      void session.start();
    }
  }
}

function settingsKey(c: McpServerConfig): string {
  return JSON.stringify([c.transport, c.command, c.args, c.env, c.url, c.headers, c.initTimeoutS]);
}

/** Refact's ToolDesc for an MCP tool: parameters from the input schema's properties. */
export function mcpToolDesc(c: McpServerConfig, tool: McpToolInfo): ToolDesc {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, { type?: unknown; description?: unknown }>;
  const parameters: ToolParam[] = Object.entries(props).map(([name, p]) => {
    const types = Array.isArray(p?.type) ? p.type.filter((t) => t !== 'null') : [p?.type];
    return { name, type: typeof types[0] === 'string' ? types[0] : 'string', description: typeof p?.description === 'string' ? p.description : '' };
  });
  const required = Array.isArray(tool.inputSchema.required) ? tool.inputSchema.required.filter((r): r is string => typeof r === 'string') : [];
  return {
    name: mcpToolName(c.server, tool.name),
    display_name: tool.name,
    agentic: true,
    experimental: false,
    description: tool.description,
    parameters,
    parameters_required: required,
    source: { source_type: 'integration', config_path: c.configPath },
  };
}
