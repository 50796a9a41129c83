/**
 * Where the engine comes from: a child process started with the extension host's own Node
 * (LSP over stdio, HTTP on a free loopback port), or, with xDebug, an engine the user runs on
 * 127.0.0.1:8001 (HTTP) and 8002 (LSP over TCP).
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { ServerOptions, StreamInfo } from 'vscode-languageclient/node';

export interface EngineSettings {
  addressUrl: string;
  apiKey: string;
  xDebug: boolean;
  ast: boolean;
  vecdb: boolean;
  /** Extra flags appended to the engine's command line (for example `--verbose`). */
  engineArgs: string[];
}

export interface EngineLaunch {
  serverOptions: ServerOptions;
  httpPort: number;
  pingMessage: string;
}

export const XDEBUG_HTTP_PORT = 8001;
export const XDEBUG_LSP_PORT = 8002;

export function planEngineLaunch(enginePath: string, settings: EngineSettings, workspaceFolders: string[], httpPort: number): EngineLaunch {
  if (settings.xDebug) {
    const serverOptions = (): Promise<StreamInfo> =>
      new Promise((resolve, reject) => {
        const socket = connect(XDEBUG_LSP_PORT, '127.0.0.1', () => resolve({ reader: socket, writer: socket }));
        socket.once('error', reject);
      });
    return { serverOptions, httpPort: XDEBUG_HTTP_PORT, pingMessage: 'pong' };
  }
  const pingMessage = `ping-${randomBytes(6).toString('hex')}`;
  const args = [
    '--http-port', String(httpPort),
    '--lsp-stdin-stdout', '1',
    '--ping-message', pingMessage,
    '--address-url', settings.addressUrl,
    ...workspaceFolders.flatMap((folder) => ['--workspace-folder', folder]),
    ...(settings.ast ? ['--ast'] : []),
    ...(settings.vecdb ? ['--vecdb'] : []),
    ...settings.engineArgs,
  ];
  // No `transport`: the client then still talks over stdio, but TransportKind.stdio would append
  // `--stdio`, a flag the engine rejects (it takes `--lsp-stdin-stdout 1`, as refact-lsp does).
  // The key goes in the environment, not the command line, which every local user sees in `ps`.
  // Set even when empty, so a REFACT_API_KEY the editor was started with cannot stand in for the setting.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', REFACT_API_KEY: settings.apiKey };
  const run = { command: process.execPath, args: [enginePath, ...args], options: { env } };
  return { serverOptions: { run, debug: run }, httpPort, pingMessage };
}
