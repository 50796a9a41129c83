/**
 * Owns the extension's two lifetimes: the extension's own (commands, status bar) and one engine
 * session (the language client), which a restart replaces.
 */
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { planEngineLaunch, type EngineSettings } from './engine-launcher';

export class Ctx {
  private readonly extCleanups: vscode.Disposable[] = [];
  private sessionCleanups: vscode.Disposable[] = [];
  private client: LanguageClient | null = null;
  readonly output: vscode.LogOutputChannel;
  readonly status: vscode.StatusBarItem;
  httpPort: number | null = null;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Refact TS', { log: true });
    this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
    this.status.command = 'refactts.showLogs';
    this.pushExtCleanup(this.output, this.status);
    this.setStatus('$(sync~spin) Refact TS', 'Engine starting');
    this.status.show();
  }

  pushExtCleanup(...disposables: vscode.Disposable[]): void {
    this.extCleanups.push(...disposables);
  }

  async startEngine(): Promise<void> {
    const settings = readSettings();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const enginePath = vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'server', 'main.js').fsPath;
    const launch = planEngineLaunch(enginePath, settings, folders, settings.xDebug ? 0 : await freePort());
    const client = new LanguageClient('refactts', 'Refact TS Engine', launch.serverOptions, {
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.output,
    });
    this.client = client;
    this.sessionCleanups.push(client);
    await client.start();
    this.httpPort = launch.httpPort;
    this.setStatus('$(check) Refact TS', `Engine running (HTTP 127.0.0.1:${launch.httpPort})`);
  }

  async stopEngine(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.httpPort = null;
    if (client?.isRunning()) await client.stop(2000);
    for (const disposable of this.sessionCleanups.reverse()) await disposable.dispose();
    this.sessionCleanups = [];
  }

  setStatus(text: string, tooltip: string): void {
    this.status.text = text;
    this.status.tooltip = tooltip;
  }

  async dispose(): Promise<void> {
    await this.stopEngine();
    for (const disposable of this.extCleanups.reverse()) disposable.dispose();
  }
}

function readSettings(): EngineSettings {
  const config = vscode.workspace.getConfiguration('refactts');
  return {
    addressUrl: config.get<string>('addressURL', ''),
    apiKey: config.get<string>('apiKey', ''),
    xDebug: config.get<boolean>('xDebug', false),
    ast: config.get<boolean>('ast', true),
    vecdb: config.get<boolean>('vecdb', false),
    engineArgs: config.get<string[]>('engineArgs', []),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
