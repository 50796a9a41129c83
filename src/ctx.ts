/**
 * Owns the extension's two lifetimes: the extension's own (status bar, inline provider,
 * commands, watchers) and one engine session (the language client and what watches it), which
 * a restart replaces. Cleanups run in reverse order of creation.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import { migrateLegacyApiKey, readApiKey } from './api-key';
import { InlineCompletions } from './completion/inline-provider';
import { getCaps } from './engine/engine-http';
import { EngineClient, type EngineRequests } from './engine/lsp-client';
import { watchEngine } from './engine/engine-watch';
import { planLaunch, xDebugNotListening, XDEBUG_LSP_PORT } from './engine/launch-plan';
import { RestartBudget } from './engine/restart-budget';
import { engineFlags, engineIdentity, readSettings, SETTINGS_SECTION, SettingKeys, type ExtensionSettings } from './settings';
import { StatusBar } from './status/status-bar';
import { completionModel } from './status/status-state';

interface Session {
  client: EngineClient;
  httpPort: number;
  stopWatching: AbortController;
}

export class Ctx {
  private readonly extCleanups: vscode.Disposable[] = [];
  private session: Session | null = null;
  private identity = '';
  private apiKey = '';
  private readonly budget = new RestartBudget();
  settings: ExtensionSettings;
  readonly output: vscode.LogOutputChannel;
  readonly status: StatusBar;
  readonly inline: InlineCompletions;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.settings = readSettings(configReader());
    this.output = vscode.window.createOutputChannel('Refact TS', { log: true });
    this.status = new StatusBar({ paused: this.settings.pauseCompletion, xDebug: this.settings.xDebug, chosenModel: this.settings.completionModel });
    this.inline = new InlineCompletions({
      client: () => this.runningClient(),
      status: (event) => this.status.dispatch(event),
      options: () => ({ paused: this.settings.pauseCompletion, model: this.settings.completionModel, maxTokens: this.settings.completionMaxTokens }),
      log: this.output,
    });
    this.pushExtCleanup(this.output, this.status, this.inline);
    void vscode.commands.executeCommand('setContext', 'refactts.completionPaused', this.settings.pauseCompletion);
  }

  pushExtCleanup(...disposables: vscode.Disposable[]): void {
    this.extCleanups.push(...disposables);
  }

  /** Reads the key (moving an old plain-text one first) and follows settings and key changes. */
  async init(): Promise<void> {
    await migrateLegacyApiKey(this.extension.secrets, this.output);
    this.apiKey = await readApiKey(this.extension.secrets);
    this.pushExtCleanup(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_SECTION)) void this.settingsChanged();
      }),
      this.extension.secrets.onDidChange(async (event) => {
        if (event.key !== 'refactts.apiKey') return;
        this.apiKey = await readApiKey(this.extension.secrets);
        await this.restartIfIdentityChanged();
      }),
    );
  }

  runningClient(): EngineRequests | null {
    const client = this.session?.client;
    return client?.isRunning ? client : null;
  }

  get httpPort(): number | null {
    return this.session?.httpPort ?? null;
  }

  async startEngine(): Promise<void> {
    const s = this.settings;
    this.identity = engineIdentity(s, this.apiKey);
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const plan = planLaunch({
      execPath: process.execPath,
      enginePath: vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'server', 'main.js').fsPath,
      flags: engineFlags(s),
      xDebug: s.xDebug,
      apiKey: this.apiKey,
      workspaceFolders: folders,
      httpPort: s.xDebug ? 0 : await freePort(),
      pingMessage: `ping-${randomBytes(6).toString('hex')}`,
      baseEnv: process.env,
    });
    this.status.dispatch({ type: 'engine-starting', xDebug: s.xDebug });
    const client = new EngineClient(plan, { output: this.output, status: (event) => this.status.dispatch(event), lost: (reason) => void this.engineLost(client, reason) }, String(this.extension.extension.packageJSON.version ?? ''));
    const session: Session = { client, httpPort: plan.httpPort, stopWatching: new AbortController() };
    this.session = session;
    try {
      await client.start();
    } catch (error) {
      const message = (error as Error).message;
      const reason = s.xDebug && /ECONNREFUSED/.test(message) ? xDebugNotListening(XDEBUG_LSP_PORT) : message;
      await client.stop();
      if (this.session === session) this.session = null;
      this.status.dispatch(s.xDebug ? { type: 'engine-unreachable', reason } : { type: 'engine-crashed', reason });
      throw new Error(reason);
    }
    this.status.dispatch({ type: 'engine-running', httpPort: plan.httpPort });
    this.output.info(`engine ${s.xDebug ? 'connected (xDebug)' : 'started'}: HTTP 127.0.0.1:${plan.httpPort}`);
    watchEngine({ port: plan.httpPort, status: (event) => this.status.dispatch(event), indexing: () => Object.keys(this.status.state.progress).length > 0, signal: session.stopWatching.signal });
  }

  /** The engine went away on its own: start it again within the budget, else say so once. */
  private async engineLost(client: EngineClient, reason: string): Promise<void> {
    const session = this.session;
    if (session?.client !== client) return;
    session.stopWatching.abort();
    this.session = null;
    if (this.settings.xDebug) {
      this.status.dispatch({ type: 'engine-unreachable', reason: `the engine on 127.0.0.1:${XDEBUG_LSP_PORT} went away (${reason})` });
      return;
    }
    if (!this.budget.crashed(Date.now())) {
      this.engineGaveUp(`${reason}; it stopped ${this.budget.maxRestarts + 1} times within ${Math.round(this.budget.windowMs / 60_000)} minutes`);
      return;
    }
    this.output.warn(`engine: ${reason}; starting it again`);
    await this.startEngine().catch((error) => this.output.error(`engine restart failed: ${(error as Error).message}`));
  }

  async stopEngine(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    session.stopWatching.abort();
    await session.client.stop();
  }

  /** A restart the user asked for (or a settings change) starts with a full crash budget. */
  async restartEngine(): Promise<void> {
    this.budget.reset();
    await this.stopEngine();
    await this.startEngine();
  }

  /** The completion models the engine lists, for the status menu's model pick. */
  async completionModels(): Promise<{ models: string[]; current: string; reason?: string }> {
    const port = this.httpPort;
    if (port === null) return { models: [], current: this.settings.completionModel, reason: 'the engine is not running' };
    const caps = await getCaps(port);
    if (!caps.ok) return { models: [], current: this.settings.completionModel, reason: caps.reason };
    return { models: Object.keys(caps.value.completion_models), current: this.settings.completionModel };
  }

  currentModel(): string {
    return completionModel(this.status.state);
  }

  async updateSetting(key: (typeof SettingKeys)[keyof typeof SettingKeys], value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private async settingsChanged(): Promise<void> {
    const before = this.settings;
    this.settings = readSettings(configReader());
    if (before.pauseCompletion !== this.settings.pauseCompletion) {
      this.status.dispatch({ type: 'paused', paused: this.settings.pauseCompletion });
      void vscode.commands.executeCommand('setContext', 'refactts.completionPaused', this.settings.pauseCompletion);
    }
    if (before.completionModel !== this.settings.completionModel) this.status.dispatch({ type: 'model-chosen', model: this.settings.completionModel });
    await this.restartIfIdentityChanged();
  }

  private async restartIfIdentityChanged(): Promise<void> {
    if (engineIdentity(this.settings, this.apiKey) === this.identity) return;
    this.output.info('engine: settings that shape its command line changed; restarting it');
    await this.restartEngine().catch((error: Error) => {
      this.output.error(`engine restart failed: ${error.message}`);
      void vscode.window.showWarningMessage(`Refact TS: ${error.message}`, 'Retry', 'Show Logs').then((choice) => {
        if (choice === 'Retry') void vscode.commands.executeCommand('refactts.restartEngine');
        if (choice === 'Show Logs') this.output.show();
      });
    });
  }

  private engineGaveUp(reason: string): void {
    this.status.dispatch({ type: 'engine-crashed', reason });
    void vscode.window.showErrorMessage(`Refact TS: the engine stopped (${reason}); it will not be started again until you restart it.`, 'Show Logs', 'Restart').then((choice) => {
      if (choice === 'Show Logs') this.output.show();
      if (choice === 'Restart') void vscode.commands.executeCommand('refactts.restartEngine');
    });
  }

  async dispose(): Promise<void> {
    await this.stopEngine();
    for (const disposable of this.extCleanups.reverse()) disposable.dispose();
  }
}

function configReader() {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return <T>(key: string, fallback: T): T => config.get<T>(key, fallback);
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
