/**
 * The engine's command line, compatible with refact-lsp: the same flag names and defaults,
 * `--flag value` and `--flag=value` forms, and short aliases. Pure: argv in, options or a
 * usage error out.
 */

export interface EngineOptions {
  addressUrl: string;
  apiKey: string;
  httpPort: number;
  lspPort: number;
  lspStdinStdout: boolean;
  logsStderr: boolean;
  logsToFile: string;
  pingMessage: string;
  workspaceFolders: string[];
  ast: boolean;
  vecdb: boolean;
  astMaxFiles: number;
  vecdbMaxFiles: number;
  insecure: boolean;
  verbose: boolean;
  insideContainer: boolean;
  experimental: boolean;
  enduserClientVersion: string;
  /** Ours: override `~/.config/refact-ts` (tests and portable installs). */
  configDir: string;
  /** Ours: override `~/.cache/refact-ts`. */
  cacheDir: string;
}

export type CliResult =
  | { kind: 'run'; options: EngineOptions }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

type FlagKind = 'bool' | 'string' | 'port' | 'count' | 'list';

interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  key?: keyof EngineOptions;
  help: string;
}

/** Flags refact-lsp accepts; those without `key` are accepted for compatibility and ignored. */
const FLAGS: FlagSpec[] = [
  { name: 'address-url', short: 'u', kind: 'string', key: 'addressUrl', help: 'companion or Refact server base URL; empty = providers.d only' },
  { name: 'api-key', short: 'k', kind: 'string', key: 'apiKey', help: 'bearer token for the address URL and providers without a key (env REFACT_API_KEY, kept out of ps)' },
  { name: 'http-port', short: 'p', kind: 'port', key: 'httpPort', help: 'HTTP port on 127.0.0.1 (0 = no HTTP server)' },
  { name: 'lsp-port', kind: 'port', key: 'lspPort', help: 'LSP over TCP on 127.0.0.1' },
  { name: 'lsp-stdin-stdout', kind: 'count', key: 'lspStdinStdout', help: '1 = LSP over stdin/stdout' },
  { name: 'logs-stderr', kind: 'bool', key: 'logsStderr', help: 'log to stderr instead of the daily file' },
  { name: 'logs-to-file', kind: 'string', key: 'logsToFile', help: 'log to this file' },
  { name: 'ping-message', kind: 'string', key: 'pingMessage', help: 'body of GET /v1/ping (default "pong")' },
  { name: 'workspace-folder', short: 'w', kind: 'list', key: 'workspaceFolders', help: 'a workspace folder (repeatable)' },
  { name: 'ast', kind: 'bool', key: 'ast', help: 'build the syntax index' },
  { name: 'vecdb', kind: 'bool', key: 'vecdb', help: 'build the vector index' },
  { name: 'ast-max-files', kind: 'port', key: 'astMaxFiles', help: 'most files the syntax index takes (50000)' },
  { name: 'vecdb-max-files', kind: 'port', key: 'vecdbMaxFiles', help: 'most files the vector index takes (15000)' },
  { name: 'insecure', kind: 'bool', key: 'insecure', help: 'accept self-signed TLS certificates' },
  { name: 'verbose', short: 'v', kind: 'bool', key: 'verbose', help: 'debug logging' },
  { name: 'inside-container', kind: 'bool', key: 'insideContainer', help: 'listen on 0.0.0.0 instead of 127.0.0.1' },
  { name: 'experimental', kind: 'bool', key: 'experimental', help: 'experimental tools and models' },
  { name: 'enduser-client-version', kind: 'string', key: 'enduserClientVersion', help: 'client version string' },
  { name: 'config-dir', kind: 'string', key: 'configDir', help: 'config directory (default ~/.config/refact-ts)' },
  { name: 'cache-dir', kind: 'string', key: 'cacheDir', help: 'cache directory (default ~/.cache/refact-ts)' },
  { name: 'basic-telemetry', short: 'b', kind: 'bool', help: 'accepted; no telemetry is sent' },
  { name: 'wait-ast', kind: 'bool', help: 'accepted for compatibility' },
  { name: 'wait-vecdb', kind: 'bool', help: 'accepted for compatibility' },
  { name: 'ast-permanent', kind: 'string', help: 'accepted; the index is always persistent' },
  { name: 'vecdb-force-path', kind: 'string', help: 'accepted for compatibility' },
  { name: 'files-jsonl-path', short: 'f', kind: 'string', help: 'accepted for compatibility' },
  { name: 'active-group-id', kind: 'string', help: 'accepted for compatibility' },
];

export function defaultOptions(): EngineOptions {
  return {
    addressUrl: '', apiKey: '', httpPort: 0, lspPort: 0, lspStdinStdout: false, logsStderr: false,
    logsToFile: '', pingMessage: 'pong', workspaceFolders: [], ast: false, vecdb: false,
    astMaxFiles: 50000, vecdbMaxFiles: 15000, insecure: false, verbose: false, insideContainer: false,
    experimental: false, enduserClientVersion: '', configDir: '', cacheDir: '',
  };
}

export function usage(): string {
  const lines = FLAGS.map((f) => {
    const names = (f.short ? `-${f.short}, ` : '    ') + `--${f.name}` + (f.kind === 'bool' ? '' : ' <value>');
    return `  ${names.padEnd(38)} ${f.help}`;
  });
  return ['Usage: refact-ts-lsp [options]', '', 'Options:', ...lines, `  ${'-h, --help'.padEnd(38)} print this help`].join('\n');
}

/**
 * Reads `argv`, then `env` for what the command line leaves out: `REFACT_API_KEY` stands in
 * for `--api-key`, so the extension can pass the key where other local users cannot read it
 * (a command line is visible to all of them in `ps`); `--api-key` still wins, as refact-lsp's.
 */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliResult {
  const options = defaultOptions();
  const record = options as unknown as Record<string, unknown>;
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help', text: usage() };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flagText = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = findFlag(flagText);
    if (!spec) return { kind: 'error', message: `unknown option '${flagText}'\n\n${usage()}` };
    if (spec.kind === 'bool') {
      if (eq > 0) return { kind: 'error', message: `option '--${spec.name}' takes no value` };
      if (spec.key) record[spec.key] = true;
      continue;
    }
    const value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { kind: 'error', message: `option '--${spec.name}' needs a value` };
    const converted = convert(spec, value);
    if (typeof converted === 'object' && converted !== null) return { kind: 'error', message: converted.error };
    if (!spec.key) continue;
    given.add(spec.name);
    if (spec.kind === 'list') (record[spec.key] as string[]).push(value);
    else record[spec.key] = converted;
  }
  if (!given.has('api-key')) options.apiKey = env.REFACT_API_KEY ?? '';
  if (options.lspStdinStdout && options.lspPort) {
    return { kind: 'error', message: "'--lsp-stdin-stdout' and '--lsp-port' cannot be used together" };
  }
  return { kind: 'run', options };
}

function findFlag(text: string): FlagSpec | undefined {
  if (text.startsWith('--')) return FLAGS.find((f) => f.name === text.slice(2));
  if (/^-[a-zA-Z]$/.test(text)) return FLAGS.find((f) => f.short === text.slice(1));
  return undefined;
}

function convert(spec: FlagSpec, value: string): string | number | boolean | { error: string } {
  if (spec.kind === 'string' || spec.kind === 'list') return value;
  if (!/^\d+$/.test(value)) return { error: `option '--${spec.name}' needs a whole number, got '${value}'` };
  const n = Number(value);
  if (spec.kind === 'port' && spec.name.endsWith('port') && n > 65535) {
    return { error: `option '--${spec.name}' must be a port from 0 to 65535, got ${n}` };
  }
  return spec.kind === 'count' ? n > 0 : n;
}
