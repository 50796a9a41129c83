import { mkdirSync } from 'node:fs';
import { buildApp } from './app';
import { parseCli, USAGE } from './cli';
import { compose } from './compose';
import { downloadModel, parseDownloadArg } from './registry/download';
import { importModel, parseImportArg } from './registry/weights';
import { ServerLog } from './server-log';

/** The `refact-ts-server` command: read flags, load models, listen, stop cleanly on signals. */
async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`refact-ts-server: ${parsed.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const config = parsed.config;
  const log = new ServerLog();
  mkdirSync(config.permDir, { recursive: true });
  let composed;
  try {
    for (const arg of config.imports) {
      const { name, source } = parseImportArg(arg);
      await importModel(name, source, config.permDir, (line) => log.info(line));
    }
    for (const arg of config.downloads) await downloadModel(parseDownloadArg(arg), config.permDir, (line) => log.info(line));
    composed = await compose(config, log);
  } catch (err) {
    log.error(`startup failed: ${(err as Error).message}`);
    process.exit(1);
  }
  const app = buildApp(composed.deps);
  const address = await app.listen({ host: config.host, port: config.port });
  // Tests and scripts wait for this exact line.
  log.info(`refact-ts-server listening on ${address}`);
  if (!composed.deps.loopbackOnly && !config.adminToken) log.warn('no --admin-token: anyone who can reach this address can use the admin UI (tokens, models, imports)');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await app.close();
    await composed.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
