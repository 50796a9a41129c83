/**
 * `mcp_*.yaml` integrations in Refact's format, from the same `integrations.d` folders as the
 * other tools (a project file wins over a global one of the same name):
 *   stdio:  `command` (a command line, split like a shell does, no shell run) + optional `args`
 *           list + `env` map;
 *   HTTP:   `url` (streamable HTTP; an old SSE-only server is tried next) + `headers` map;
 * plus `confirmation: {ask_user, deny}` globs matched against the MCP tool's own name (Refact's
 * default: ask for every call), `init_timeout` and `request_timeout` in seconds.
 * An `env` or header value that is exactly `$NAME` or `${NAME}` reads the engine's environment,
 * as provider API keys do, so a secret stays out of the YAML and off every command line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { parseConfirmation, type ConfirmationRules } from '../../../core/tools/confirmation';

export interface McpServerConfig {
  /** The YAML's name without `.yaml`, e.g. `mcp_stdio_echo`. */
  stem: string;
  /** Shown as the group `MCP <server>`; tool names start with `mcp_<server>_`. */
  server: string;
  configPath: string;
  transport: 'stdio' | 'http';
  command: string;
  args: string[];
  env: Record<string, string>;
  url: string;
  headers: Record<string, string>;
  confirmation: ConfirmationRules;
  initTimeoutS: number;
  requestTimeoutS: number;
  /** Unset `$NAME` references and the like; the server still starts. */
  warnings: string[];
}

export const MCP_DEFAULT_CONFIRMATION: ConfirmationRules = { ask_user: ['*'], deny: [] };

export function mcpConfigDirs(configDir: string, folders: readonly string[]): string[] {
  return [join(configDir, 'integrations.d'), ...folders.map((f) => join(f, '.refact', 'integrations.d'))];
}

/** Every `mcp_*.yaml` (later folders win by name); a broken file is an entry of `errors`. */
export function readMcpConfigs(dirs: readonly string[], env: Readonly<Record<string, string | undefined>>): { configs: McpServerConfig[]; errors: Array<{ stem: string; configPath: string; error: string }> } {
  const byStem = new Map<string, string>();
  for (const dir of dirs) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) if (/^mcp_.*\.ya?ml$/.test(entry)) byStem.set(basename(entry).replace(/\.ya?ml$/, ''), join(dir, entry));
  }
  const configs: McpServerConfig[] = [];
  const errors: Array<{ stem: string; configPath: string; error: string }> = [];
  for (const [stem, configPath] of byStem) {
    try {
      const value = parse(readFileSync(configPath, 'utf8')) as unknown;
      const parsed = parseMcpConfig(stem, configPath, typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}, env);
      if (typeof parsed === 'string') errors.push({ stem, configPath, error: parsed });
      else configs.push(parsed);
    } catch (error) {
      errors.push({ stem, configPath, error: (error as Error).message });
    }
  }
  return { configs, errors };
}

export function parseMcpConfig(stem: string, configPath: string, value: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): McpServerConfig | string {
  const warnings: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const map = (v: unknown, what: string): Record<string, string> => {
    const out: Record<string, string> = {};
    if (typeof v !== 'object' || v === null) return out;
    for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
      const text = raw === null || raw === undefined ? '' : String(raw);
      const ref = /^\$(?:\{(\w+)\}|(\w+))$/.exec(text);
      if (!ref) out[k] = text;
      else {
        const name = ref[1] ?? ref[2]!;
        if (env[name] === undefined) warnings.push(`${what} ${k}: environment variable ${name} is not set`);
        out[k] = env[name] ?? '';
      }
    }
    return out;
  };
  const seconds = (v: unknown, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const url = str(value.url);
  const commandLine = str(value.command);
  const split = splitCommandLine(commandLine);
  if (typeof split === 'string') return split;
  const extraArgs = Array.isArray(value.args) ? value.args.map((a) => String(a)) : [];
  if (!url && split.length === 0) return 'needs `command` (a stdio server) or `url` (an HTTP server)';
  if (url && !/^https?:\/\//i.test(url)) return `url must be http(s): ${url}`;
  return {
    stem,
    server: mcpServerName(stem),
    configPath,
    transport: url && split.length === 0 ? 'http' : 'stdio',
    command: split[0] ?? '',
    args: [...split.slice(1), ...extraArgs],
    env: map(value.env, 'env'),
    url,
    headers: map(value.headers, 'header'),
    confirmation: parseConfirmation(value.confirmation) ?? MCP_DEFAULT_CONFIRMATION,
    initTimeoutS: seconds(value.init_timeout, 60),
    requestTimeoutS: seconds(value.request_timeout, 30),
    warnings,
  };
}

/** `mcp_stdio_echo` / `mcp_sse_echo` / `mcp_http_echo` / `mcp_echo` → `echo`. */
export function mcpServerName(stem: string): string {
  return stem.replace(/^mcp_(stdio_|sse_|http_)?/, '');
}

/** Refact's naming: `mcp_<server>_<tool>`, every character but ASCII letters and digits as `_`. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp_${server}_${tool}`.replace(/[^A-Za-z0-9]/g, '_');
}

/** Splits a command line as a POSIX shell would (quotes and backslashes), without running one. */
export function splitCommandLine(line: string): string[] | string {
  const out: string[] = [];
  let current = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || current) out.push(current);
      current = '';
      has = false;
    } else current += c;
  }
  if (quote) return `command has an unclosed ${quote} quote`;
  if (has || current) out.push(current);
  return out;
}
