/**
 * One MCP server as the engine sees it: a client over stdio (a child process) or streamable
 * HTTP, its tool list, and whether it is up. Calls wait for a start in progress; a stdio server
 * that exited is started again on the next call; a failed start is kept as a message for the
 * tools list and for calls, never thrown out of the engine.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from './mcp-config';

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type McpCallResult = { ok: true; text: string } | { ok: false; error: string };

export type McpState = 'starting' | 'ready' | 'failed' | 'stopped';

const STDERR_KEEP = 2000;

export class McpSession {
  state: McpState = 'stopped';
  tools: McpToolInfo[] = [];
  error = '';
  private client: Client | null = null;
  private transport: Transport | null = null;
  private starting: Promise<void> | null = null;
  private stderrTail = '';
  private closed = false;

  constructor(
    /** Replaced when only the rules or the call timeout change: those need no restart. */
    public config: McpServerConfig,
    private readonly version: string,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The stdio child's pid while it runs (tests check it is gone after shutdown). */
  get pid(): number | null {
    return this.transport instanceof StdioClientTransport ? this.transport.pid : null;
  }

  /** Starts (or restarts) unless a start is under way or it is up; resolves when settled. */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.state === 'ready') return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = null;
      this.onChange();
    });
    return this.starting;
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    if (this.state !== 'ready') await this.start();
    if (this.state !== 'ready' || !this.client) return { ok: false, error: this.failure() };
    try {
      const result = await this.client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: this.config.requestTimeoutS * 1000 });
      const text = contentText(result.content);
      if (result.isError) return { ok: false, error: `MCP tool \`${tool}\` of \`${this.config.server}\` answered an error: ${text}` };
      return { ok: true, text };
    } catch (error) {
      if (signal.aborted) return { ok: false, error: `MCP tool \`${tool}\` was stopped: the turn was aborted.` };
      const dead = this.state !== 'ready' ? ` The server stopped${this.stderrTail ? ` (its last output: ${this.lastOutput()})` : ''}; it starts again on the next call.` : '';
      return { ok: false, error: `MCP tool \`${tool}\` of \`${this.config.server}\` failed: ${(error as Error).message}.${dead}` };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => {});
    await this.drop();
    this.state = 'stopped';
  }

  /** Why the server is not up, for a tool result. */
  failure(): string {
    return `The MCP server \`${this.config.server}\` (${this.config.configPath}) is not running: ${this.error || 'it did not start'}`;
  }

  private lastOutput(): string {
    return this.stderrTail.trim().split('\n').slice(-5).join(' | ');
  }

  private async connect(): Promise<void> {
    await this.drop();
    this.state = 'starting';
    this.error = '';
    this.stderrTail = '';
    const c = this.config;
    try {
      const client = await this.open(c.transport === 'stdio' ? this.stdioTransport() : new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers: c.headers } }));
      const listed = await client.listTools(undefined, { timeout: c.initTimeoutS * 1000 });
      if (this.closed) {
        await client.close().catch(() => {});
        return;
      }
      this.tools = listed.tools.map((t) => ({ name: t.name, description: t.description ?? '', inputSchema: (t.inputSchema ?? {}) as Record<string, unknown> }));
      this.state = 'ready';
    } catch (error) {
      const output = this.lastOutput();
      this.error = `${(error as Error).message}${output ? ` (server output: ${output})` : ''}`;
      this.state = 'failed';
      await this.drop();
    }
  }

  /** Connects a client; for HTTP, an old server that only speaks SSE is tried when streamable HTTP is refused. */
  private async open(transport: Transport): Promise<Client> {
    const timeout = this.config.initTimeoutS * 1000;
    try {
      return await this.attach(transport, timeout);
    } catch (error) {
      if (this.config.transport !== 'http' || this.closed) throw error;
      await this.drop();
      try {
        return await this.attach(new SSEClientTransport(new URL(this.config.url), { requestInit: { headers: this.config.headers } }), timeout);
      } catch {
        throw error;
      }
    }
  }

  private async attach(transport: Transport, timeout: number): Promise<Client> {
    const client = new Client({ name: 'refact-ts', version: this.version });
    this.client = client;
    this.transport = transport;
    // A server that goes away (a crashed child, a closed HTTP session) is started again on next use.
    client.onclose = () => {
      if (this.client === client && this.state === 'ready') {
        this.state = 'failed';
        this.error = `the server exited${this.stderrTail ? ` (its last output: ${this.lastOutput()})` : ''}`;
        this.client = null;
        this.transport = null;
        this.onChange();
      }
    };
    client.onerror = () => {};
    await client.connect(transport, { timeout });
    return client;
  }

  private stdioTransport(): StdioClientTransport {
    const c = this.config;
    // The SDK passes only a small allowlist of the engine's environment (PATH, HOME, ...) plus
    // the YAML's env; secrets travel there, never as arguments.
    const transport = new StdioClientTransport({ command: c.command, args: c.args, env: c.env, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    return transport;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    const transport = this.transport;
    this.client = null;
    this.transport = null;
    if (client) await client.close().catch(() => {});
    else if (transport) await transport.close().catch(() => {});
  }
}

function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const parts = content.map((item: { type?: string; text?: string; mimeType?: string }) => {
    if (item.type === 'text') return item.text ?? '';
    if (item.type === 'image') return `[the server returned an image (${item.mimeType ?? 'unknown type'}), which is not shown to the model]`;
    return `[the server returned ${item.type ?? 'unknown'} content, which is not supported]`;
  });
  return parts.join('\n\n');
}
