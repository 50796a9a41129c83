/**
 * A launch plan (`engine/launch-plan.ts`) as vscode-languageclient `ServerOptions`, for LSP
 * clients built on that library (the extension itself uses its thin `engine/lsp-client.ts`).
 */
import { connect } from 'node:net';
import type { ServerOptions, StreamInfo } from 'vscode-languageclient/node';
import { planLaunch, xDebugNotListening, XDEBUG_HTTP_PORT, XDEBUG_LSP_PORT, type LaunchPlan } from './engine/launch-plan';
import { engineFlags, SETTING_DEFAULTS } from './settings';

export { XDEBUG_HTTP_PORT, XDEBUG_LSP_PORT };

export function serverOptionsFor(plan: LaunchPlan): ServerOptions {
  if (plan.kind === 'connect') return () => connectXDebug(plan.lspPort);
  // No `transport`: the client then still talks over stdio, but TransportKind.stdio would append
  // `--stdio`, a flag the engine rejects (it takes `--lsp-stdin-stdout 1`, as refact-lsp does).
  const run = { command: plan.command, args: plan.args, options: { env: plan.env } };
  return { run, debug: run };
}

function connectXDebug(port: number): Promise<StreamInfo> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve({ reader: socket, writer: socket }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ECONNREFUSED' ? xDebugNotListening(port) : `xDebug: cannot connect to the engine on 127.0.0.1:${port}: ${error.message}`)),
    );
  });
}

/** The older settings shape; kept for callers that plan a launch from it. */
export interface EngineSettings {
  addressUrl: string;
  apiKey: string;
  xDebug: boolean;
  ast: boolean;
  vecdb: boolean;
  engineArgs: string[];
}

export interface EngineLaunch {
  serverOptions: ServerOptions;
  httpPort: number;
  pingMessage: string;
}

export function planEngineLaunch(enginePath: string, settings: EngineSettings, workspaceFolders: string[], httpPort: number, pingMessage = 'ping-000000000000'): EngineLaunch {
  const plan = planLaunch({
    execPath: process.execPath,
    enginePath,
    flags: engineFlags({ ...SETTING_DEFAULTS, ...settings }),
    xDebug: settings.xDebug,
    apiKey: settings.apiKey,
    workspaceFolders,
    httpPort,
    pingMessage,
    baseEnv: process.env,
  });
  return { serverOptions: serverOptionsFor(plan), httpPort: plan.httpPort, pingMessage: plan.pingMessage };
}
