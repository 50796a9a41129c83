/**
 * A thin LSP client for our one engine, on vscode-jsonrpc alone. vscode-languageclient would
 * bring some 360 KB of features this extension does not use (its whole bundle would be about
 * 450 KB against our 300 KB budget); the engine needs only initialize, document sync, a file
 * watcher, progress, our `refact/*` requests and an orderly shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import * as vscode from 'vscode';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { StatusEvent } from '../status/status-state';
import { syncDocuments, watchFiles, type Notify } from './document-sync';
import type { LaunchPlan } from './launch-plan';

export interface EngineClientHooks {
  output: vscode.LogOutputChannel;
  status: (event: StatusEvent) => void;
  /** The process exited or the connection closed without `stop()`. */
  lost: (reason: string) => void;
}

/** What the rest of the extension needs from a running engine. */
export interface EngineRequests {
  sendRequest<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R>;
}

const SHUTDOWN_WAIT_MS = 2000;

export class EngineClient implements EngineRequests {
  private connection: MessageConnection | null = null;
  private child: ChildProcess | null = null;
  private socket: Socket | null = null;
  private stopping = false;
  private running = false;
  /** Set once start succeeded: a loss before that is start's own failure, reported by start. */
  private started = false;
  private readonly cleanups: vscode.Disposable[] = [];

  constructor(
    private readonly plan: LaunchPlan,
    private readonly hooks: EngineClientHooks,
    private readonly clientVersion: string,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const { reader, writer } = this.plan.kind === 'spawn' ? this.spawnEngine(this.plan) : await this.connectEngine(this.plan.lspPort);
    const connection = createMessageConnection(new StreamMessageReader(reader), new StreamMessageWriter(writer));
    this.connection = connection;
    this.handleServerMessages(connection);
    connection.onClose(() => this.lostOnce('the connection to the engine closed'));
    connection.listen();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
    const exited = new Promise<never>((_, reject) => this.child?.once('exit', (code, signal) => reject(new Error(`the engine exited during start (${signal ?? `code ${code}`}); see Refact TS logs`))));
    await Promise.race([
      connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'refact-ts-vscode', version: this.clientVersion },
        rootUri: folders[0]?.uri ?? null,
        workspaceFolders: folders,
        capabilities: {
          window: { workDoneProgress: true },
          workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
          textDocument: { synchronization: { didSave: true } },
        },
      }),
      exited,
    ]);
    await connection.sendNotification('initialized', {});
    this.cleanups.push(...syncDocuments(this.notify));
    this.running = true;
    this.started = true;
  }

  sendRequest<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    if (!this.connection || !this.running) return Promise.reject(new Error('the engine is not running'));
    return token ? this.connection.sendRequest<R>(method, params, token) : this.connection.sendRequest<R>(method, params);
  }

  /** shutdown, exit, then waits for the process (killing it if it lingers). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup.dispose();
    const connection = this.connection;
    const child = this.child;
    const gone = child && child.exitCode === null && child.signalCode === null ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
    if (connection) {
      await withTimeout(connection.sendRequest('shutdown').then(() => connection.sendNotification('exit')), SHUTDOWN_WAIT_MS).catch(() => undefined);
      connection.dispose();
    }
    this.socket?.end();
    if (child) {
      child.stdin?.end();
      if (!(await withTimeout(gone, SHUTDOWN_WAIT_MS).then(() => true, () => false))) child.kill('SIGKILL');
    }
  }

  private readonly notify: Notify = (method, params) => {
    if (this.connection && !this.stopping) void this.connection.sendNotification(method, params).catch(() => undefined);
  };

  private spawnEngine(plan: Extract<LaunchPlan, { kind: 'spawn' }>) {
    const child = spawn(plan.command, plan.args, { env: plan.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.hooks.output.info(`[engine] ${line}`);
    });
    child.on('exit', (code, signal) => this.lostOnce(`the engine exited (${signal ?? `code ${code}`})`));
    child.on('error', (error) => this.lostOnce(`the engine could not run: ${error.message}`));
    return { reader: child.stdout, writer: child.stdin };
  }

  private connectEngine(port: number): Promise<{ reader: Socket; writer: Socket }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        this.socket = socket;
        resolve({ reader: socket, writer: socket });
      });
      socket.once('error', reject);
    });
  }

  private lostOnce(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.running = false;
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup.dispose();
    this.connection?.dispose();
    this.hooks.output.warn(`engine: ${reason}`);
    if (this.started) this.hooks.lost(reason);
  }

  private handleServerMessages(connection: MessageConnection): void {
    const { output, status } = this.hooks;
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onNotification('$/progress', ({ token, value }: { token: string | number; value: ProgressValue }) => {
      const key = String(token);
      const extra = { ...(value.percentage !== undefined ? { percentage: value.percentage } : {}), ...(value.message ? { message: value.message } : {}) };
      if (value.kind === 'begin') status({ type: 'progress-begin', token: key, title: value.title ?? 'Working', ...extra });
      else if (value.kind === 'report') status({ type: 'progress-report', token: key, ...extra });
      else if (value.kind === 'end') status({ type: 'progress-end', token: key });
    });
    connection.onRequest('client/registerCapability', ({ registrations }: { registrations: { method: string; registerOptions?: { watchers?: { globPattern: string | object }[] } }[] }) => {
      for (const r of registrations) {
        if (r.method !== 'workspace/didChangeWatchedFiles') continue;
        const globs = (r.registerOptions?.watchers ?? []).map((w) => w.globPattern).filter((g): g is string => typeof g === 'string');
        this.cleanups.push(...watchFiles(globs, this.notify));
      }
      return null;
    });
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('workspace/configuration', ({ items }: { items: unknown[] }) => items.map(() => null));
    connection.onRequest('workspace/workspaceFolders', () => (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name })));
    connection.onNotification('window/logMessage', ({ type, message }: { type: number; message: string }) => {
      if (type === 1) output.error(`[engine] ${message}`);
      else if (type === 2) output.warn(`[engine] ${message}`);
      else output.info(`[engine] ${message}`);
    });
    connection.onNotification('window/showMessage', ({ type, message }: { type: number; message: string }) => {
      const show = type === 1 ? vscode.window.showErrorMessage : type === 2 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`Refact TS engine: ${message}`);
    });
  }
}

interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
