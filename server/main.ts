/**
 * The engine's composition root: parse the command line, construct every service with its
 * dependencies, start them in order, and dispose them in reverse on SIGTERM, SIGINT,
 * `GET /v1/graceful-shutdown` or LSP `exit`.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveChatModel } from './core/caps/resolve-model';
import { parseCommandLine, type EngineOptions } from './core/cli';
import { buildApp } from './http/app';
import { astRoutes } from './http/routes/ast';
import { atCommandRoutes } from './http/routes/at-commands';
import { vecdbRoutes } from './http/routes/vecdb';
import { capsRoutes } from './http/routes/caps';
import { completionRoutes } from './http/routes/completion';
import { chatRoutes } from './http/routes/chat';
import { customizationRoutes } from './http/routes/customization';
import { infoRoutes } from './http/routes/info';
import { lspLikeRoutes } from './http/routes/lsp-like';
import { modelsRoutes } from './http/routes/models';
import { providersRoutes } from './http/routes/providers';
import { telemetryRoutes } from './http/routes/telemetry';
import { trajectoriesRoutes } from './http/routes/trajectories';
import { checkpointRoutes } from './http/routes/checkpoints';
import { toolRoutes } from './http/routes/tools';
import { webviewRoutes } from './http/routes/webview';
import { bindLspConnection } from './lsp/connection';
import { openSession, startTcpLsp } from './lsp/transport';
import { CapsService } from './services/caps-service';
import { ChatSessions } from './services/chat/chat-sessions';
import { TelemetryLog } from './services/chat/telemetry-log';
import { TrajectoriesStore } from './services/chat/trajectories-store';
import { startCompletion } from './services/completion/start';
import { startTurnContext } from './services/chat/turn-context';
import { CustomizationService } from './services/customization-service';
import { DocumentsService } from './services/documents';
import { handleFatalErrors, injectTestFault } from './services/fatal-errors';
import { createHttpGet } from './services/http-get';
import { Lifetime } from './services/lifetime';
import { createLogger, type Logger } from './services/logger';
import { resolvePaths, type EnginePaths } from './services/paths';
import { PrivacyService } from './services/privacy';
import { ProvidersService } from './services/providers-service';
import { ProvidersStore } from './services/providers-store';
import { createChatTools } from './services/tools/chat-tools';
import { startTools } from './services/tools/start';
import { pathToUri, WorkspaceService } from './services/workspace';
import { WorkspaceFiles } from './services/workspace-files';
import { createUpstreamClient } from './services/upstream/upstream-client';
import { ENGINE_COMMIT, ENGINE_VERSION } from './version';

export interface Engine {
  httpPort: number | null;
  lspPort: number | null;
  /** Resolves when the engine has stopped; the value is the process exit code. */
  stopped: Promise<number>;
  shutdown(reason: string, exitCode?: number): Promise<number>;
}

export async function startEngine(options: EngineOptions, paths: EnginePaths, logger: Logger): Promise<Engine> {
  const lifetime = new Lifetime(logger);
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  // Shutdowns can overlap (SIGTERM, then a fault during disposal): the worst exit code wins.
  let worstExitCode = 0;
  const shutdown = async (reason: string, exitCode = 0): Promise<number> => {
    worstExitCode = Math.max(worstExitCode, exitCode);
    logger.info(`shutting down: ${reason}`);
    await lifetime.dispose();
    resolveStopped(worstExitCode);
    return stopped;
  };

  const workspace = new WorkspaceService(options.workspaceFolders);
  lifetime.push('workspace', () => workspace.dispose());
  const documents = new DocumentsService();
  lifetime.push('documents', () => documents.dispose());
  const files = new WorkspaceFiles({ configDir: paths.configDir, home: homedir(), logger, maxFiles: options.astMaxFiles });

  // Caps load in the background: the engine answers at once, `/v1/caps` says 503 until they come.
  const providersStore = new ProvidersStore(join(paths.configDir, 'providers.d'));
  const caps = new CapsService({
    addressUrl: options.addressUrl, apiKey: options.apiKey, experimental: options.experimental, userAgent: `refact-ts-lsp ${ENGINE_VERSION}`,
    providers: providersStore, fetch: createHttpGet({ insecure: options.insecure }), env: process.env, logger,
  });
  lifetime.push('caps', () => caps.dispose());
  caps.start();
  const providers = new ProvidersService(providersStore, caps, options.experimental);
  // The one client through which completion, chat and embeddings reach model providers.
  const upstream = createUpstreamClient({ insecure: options.insecure, userAgent: `refact-ts-lsp ${ENGINE_VERSION}` });
  lifetime.push('upstream', () => upstream.dispose());
  // Chats live in the first workspace folder's `.refact/trajectories`; each turn reads caps afresh.
  const trajectories = new TrajectoriesStore({ projectRoot: () => workspace.list()[0] ?? null, logger, newId: randomUUID, now: () => new Date().toISOString() });
  const customization = new CustomizationService(join(paths.configDir, 'customization.yaml'), caps, options.experimental);

  // privacy.yaml decides for every feature that sends files to a model: embeddings, completion
  // context, chat, tools.
  const privacy = new PrivacyService({ configDir: paths.configDir, folders: () => workspace.list(), logger });
  // The index's native modules (libsql, hnswlib, onnxruntime, the watcher, piscina) load only
  // when an index is asked for, so a plain engine starts fast and small.
  const indexing = options.ast || options.vecdb ? await import('./indexing') : null;
  const shared = indexing ? indexing.startIndexing(lifetime, logger) : null;
  const ast = indexing && shared && options.ast ? indexing.startAstIndex(lifetime, { workspace, files, documents, cacheDir: paths.cacheDir, logger, ...shared }) : null;
  const retrieval = indexing && shared && options.vecdb
    ? indexing.startRetrieval(lifetime, {
        workspace, documents, caps, cacheDir: paths.cacheDir, logger, ...shared, upstream, privacy, ownHosts: hostsOf(options.addressUrl),
        files: new WorkspaceFiles({ configDir: paths.configDir, home: homedir(), logger, maxFiles: options.vecdbMaxFiles }),
      })
    : null;
  // Chat context: privacy rules (for every feature that sends files to a model), @-commands,
  // project instructions and history fitting, counted with completion's tokenizer service (made
  // on the first count), so each tokenizer file loads once.
  const { atCommands, turnContext } = startTurnContext({
    folders: () => workspace.list(), documents, listFiles: (folders) => files.list(folders), ast, retrieval, privacy, customization,
    addressUrl: options.addressUrl, logger,
    resolveModel: async (name) => {
      const loaded = await caps.getCaps();
      const found = loaded.ok ? resolveChatModel(loaded.caps, name) : null;
      return found?.ok ? found.value : null;
    },
    tokenizer: () => completionTokenizer(),
  });
  // Agent tools: file edits tell the indexes at once (the watched-files path), checkpoints live
  // in shadow repositories under the cache dir.
  const tools = startTools({
    configDir: paths.configDir, cacheDir: paths.cacheDir, folders: () => workspace.list(), listFiles: () => atCommands.files(),
    onFileChanged: (kind, path) => workspace.fileChanged(kind, path), privacy, ast, retrieval,
    openText: (path) => documents.get(pathToUri(path))?.getText() ?? null, log: (message) => logger.warn(`mcp: ${message}`),
  });
  // MCP clients close and their stdio server processes are killed before the engine exits.
  lifetime.push('mcp servers', () => tools.mcp.dispose());
  // The agent: the model's tool calls run in the engine (confirmation, diffs), a checkpoint before each turn.
  const chats = new ChatSessions({
    caps, upstream, trajectories, logger, turnContext, checkpoints: tools.checkpoints,
    tools: createChatTools({ registry: tools.registry, chats: tools.chats, folders: () => workspace.list(), newId: randomUUID }),
  });
  lifetime.push('chats', () => chats.dispose());
  const { completion, tokenizer: completionTokenizer } = startCompletion(lifetime, {
    caps, upstream, documents, workspace, ast, retrieval, pool: shared?.pool ?? null, workersDir: join(__dirname, 'workers'),
    cacheDir: paths.cacheDir, fetch: createHttpGet({ insecure: options.insecure }), logger, privacy, addressUrl: options.addressUrl,
  });

  const host = options.insideContainer ? '0.0.0.0' : '127.0.0.1';
  let httpPort: number | null = null;
  if (options.httpPort) {
    const app = buildApp({
      anyHost: options.insideContainer,
      logger,
      routes: [
        infoRoutes({
          pingMessage: options.pingMessage,
          buildInfo: { version: ENGINE_VERSION, commit: ENGINE_COMMIT, build_os: `${process.platform}-${process.arch}`, rust_version: `node ${process.version}`, cargo_version: '' },
          configDir: paths.configDir,
          requestShutdown: (reason) => void shutdown(reason),
        }),
        lspLikeRoutes({ documents, workspace, files }),
        astRoutes(ast, retrieval),
        vecdbRoutes(retrieval),
        capsRoutes(caps),
        providersRoutes(providers),
        modelsRoutes(providers),
        customizationRoutes(customization),
        chatRoutes(chats),
        trajectoriesRoutes(trajectories),
        telemetryRoutes(new TelemetryLog()),
        completionRoutes(completion),
        atCommandRoutes({ atCommands, preview: (messages, model, signal) => turnContext.preview(messages, model, signal) }),
        toolRoutes({ registry: tools.registry, integrations: tools.integrations, folders: () => workspace.list(), chats: tools.chats }),
        checkpointRoutes({ checkpoints: tools.checkpoints, onRestored: (chatId, restored) => void chats.restored(chatId, restored) }),
        // The chat UI for a browser tab, from the bundle built beside the engine (dist/webview).
        webviewRoutes({ dir: join(__dirname, '..', 'webview') }),
      ],
    });
    lifetime.push('http', () => app.close());
    await app.listen({ host, port: options.httpPort });
    httpPort = options.httpPort;
    logger.info(`http: listening on ${host}:${httpPort}`);
  }

  const lspDeps = { documents, workspace, logger, version: ENGINE_VERSION, indexProgress: ast ? ast.onProgress.bind(ast) : null, completion };
  let lspPort: number | null = null;
  if (options.lspStdinStdout) {
    const session = openSession(process.stdin, process.stdout, { onExit: (code) => void shutdown('lsp exit', code), watchClientProcess: true });
    const unbind = bindLspConnection(session.connection, lspDeps);
    session.connection.listen();
    lifetime.push('lsp stdio', () => {
      unbind();
      session.dispose();
    });
    // An editor that dies without `exit` closes our stdin; the engine must not outlive it.
    process.stdin.once('end', () => void shutdown('lsp stdin closed'));
  } else if (options.lspPort) {
    // Over TCP, `exit` ends one client's session; the engine serves the next client.
    const tcp = await startTcpLsp('127.0.0.1', options.lspPort, (socket) => {
      const session = openSession(socket, socket, { onExit: () => socket.end(), watchClientProcess: false });
      const unbind = bindLspConnection(session.connection, lspDeps);
      socket.once('close', () => {
        unbind();
        session.dispose();
      });
      session.connection.listen();
    }, logger);
    lifetime.push('lsp tcp', () => tcp.close());
    lspPort = tcp.port;
  }
  logger.info(`engine ${ENGINE_VERSION} started (workspace: ${workspace.list().join(', ') || 'none'})`);
  return { httpPort, lspPort, stopped, shutdown };
}

/** The Address URL's host: a server the user controls, for privacy's local-only files. */
function hostsOf(addressUrl: string): string[] {
  try {
    return addressUrl ? [new URL(addressUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '')] : [];
  } catch {
    return [];
  }
}

async function runFromCommandLine(argv: string[]): Promise<void> {
  const cli = parseCommandLine(argv, process.env);
  // Read once; commands and workers the engine starts must not inherit the key.
  delete process.env.REFACT_API_KEY;
  if (cli.kind === 'help') {
    process.stdout.write(`${cli.text}\n`);
    return;
  }
  if (cli.kind === 'error') {
    process.stderr.write(`refact-ts-lsp: ${cli.message}\n`);
    process.exitCode = 2;
    return;
  }
  const options = cli.options;
  const paths = resolvePaths(options.configDir, options.cacheDir);
  const logger = createLogger(
    options.logsStderr ? { kind: 'stderr' } : options.logsToFile ? { kind: 'file', path: options.logsToFile } : { kind: 'daily', dir: join(paths.cacheDir, 'logs') },
    options.verbose ? 'debug' : 'info',
  );
  // Signals are caught before the engine starts, so an early SIGTERM still disposes in order.
  let engine: Engine | null = null;
  let pendingSignal: string | null = null;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => (engine ? void engine.shutdown(signal) : (pendingSignal = signal)));
  }
  handleFatalErrors({ logger, shutdown: () => engine?.shutdown ?? null, exit: (code) => process.exit(code) });
  try {
    engine = await startEngine(options, paths, logger);
  } catch (error) {
    const message = (error as Error).message;
    logger.error(`engine failed to start: ${message}`);
    process.stderr.write(`refact-ts-lsp: cannot start: ${message}\n`);
    process.exit(1);
  }
  if (pendingSignal) void engine.shutdown(pendingSignal);
  injectTestFault(process.env);
  process.exit(await engine.stopped);
}

if (require.main === module) void runFromCommandLine(process.argv.slice(2));
