/**
 * How the engine is reached, as data: a child process on the extension host's own runtime
 * (LSP over stdio, HTTP on a free loopback port), or, with xDebug, an engine the user started
 * on 127.0.0.1:8001 (HTTP) and 8002 (LSP over TCP). Pure, so the rules (no secret on the
 * command line, xDebug starts nothing) are tested directly.
 */

export const XDEBUG_HTTP_PORT = 8001;
export const XDEBUG_LSP_PORT = 8002;

export interface LaunchInput {
  /** The runtime that runs the engine: the extension host's `process.execPath`. */
  execPath: string;
  enginePath: string;
  /** From `engineFlags(settings)`. */
  flags: string[];
  xDebug: boolean;
  apiKey: string;
  workspaceFolders: readonly string[];
  httpPort: number;
  pingMessage: string;
  /** The environment the engine inherits. */
  baseEnv: Readonly<Record<string, string | undefined>>;
}

export type LaunchPlan =
  | { kind: 'spawn'; command: string; args: string[]; env: Record<string, string | undefined>; httpPort: number; pingMessage: string }
  | { kind: 'connect'; httpPort: number; lspPort: number; pingMessage: string };

export function planLaunch(input: LaunchInput): LaunchPlan {
  // Refact's plugin treats any truthy xDebug as "use the engine on 8001/8002" and starts nothing.
  if (input.xDebug) return { kind: 'connect', httpPort: XDEBUG_HTTP_PORT, lspPort: XDEBUG_LSP_PORT, pingMessage: 'pong' };
  const args = [
    input.enginePath,
    '--http-port', String(input.httpPort),
    '--lsp-stdin-stdout', '1',
    '--ping-message', input.pingMessage,
    ...input.workspaceFolders.flatMap((folder) => ['--workspace-folder', folder]),
    ...input.flags,
  ];
  // The key goes in the environment, not the command line, which every local user sees in `ps`.
  // Set even when empty, so a REFACT_API_KEY the editor was started with cannot stand in for it.
  // ELECTRON_RUN_AS_NODE makes VS Code's Electron binary behave as plain Node.
  const env = { ...input.baseEnv, ELECTRON_RUN_AS_NODE: '1', REFACT_API_KEY: input.apiKey };
  return { kind: 'spawn', command: input.execPath, args, env, httpPort: input.httpPort, pingMessage: input.pingMessage };
}

export function xDebugNotListening(port: number): string {
  return `xDebug is on, but nothing listens on 127.0.0.1:${port}. Start the engine with \`--http-port ${XDEBUG_HTTP_PORT} --lsp-port ${XDEBUG_LSP_PORT}\`, or turn off the xDebug setting.`;
}
