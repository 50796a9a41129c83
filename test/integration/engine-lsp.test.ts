import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort, startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { initializeParams, lspClient } from '../helpers/lsp-client';

const folder = tempDir('lsp-workspace');
const folderUri = pathToFileURL(folder).href;
const fileUri = pathToFileURL(join(folder, 'hello.py')).href;

describe('LSP over stdio', () => {
  let engine: EngineProcess;
  before(async () => {
    engine = await startEngineProcess({ args: ['--lsp-stdin-stdout', '1', '--verbose'] });
  });
  after(() => engine.stop());

  it('initializes with full sync and workspace folders, keeps documents, and exits 0 on shutdown + exit', async () => {
    const client = lspClient(engine.process.stdout!, engine.process.stdin!);
    const result = await client.sendRequest<{ serverInfo: { name: string }; capabilities: Record<string, any> }>('initialize', initializeParams(folderUri));
    assert.equal(result.serverInfo.name, 'refact-ts');
    assert.equal(result.capabilities.textDocumentSync.change, 1);
    assert.equal(result.capabilities.workspace.workspaceFolders.supported, true);
    await client.sendNotification('initialized', {});
    await engine.waitForLog(new RegExp(`folders: ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'python', version: 1, text: 'def hello():\n    pass\n' } });
    await engine.waitForLog(/lsp: opened .*hello\.py v1 \(22 chars, 1 open\)/);
    const active = await client.sendRequest('refact/setActiveDocument', { uri: fileUri });
    assert.deepEqual(active, { success: true });
    await client.sendNotification('textDocument/didClose', { textDocument: { uri: fileUri } });
    await engine.waitForLog(/lsp: closed .*hello\.py \(0 open\)/);

    await client.sendRequest('shutdown');
    await client.sendNotification('exit');
    const exit = await engine.exited;
    assert.equal(exit.code, 0);
    client.dispose();
  });
});

describe('LSP over TCP', () => {
  let engine: EngineProcess;
  let lspPort: number;
  before(async () => {
    lspPort = await freePort();
    engine = await startEngineProcess({ args: ['--lsp-port', String(lspPort), '--verbose'] });
    await engine.waitForLog(/lsp: listening on tcp/);
  });
  after(() => engine.stop());

  async function session(): Promise<{ socket: Socket; client: ReturnType<typeof lspClient> }> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(lspPort, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    return { socket, client: lspClient(socket, socket) };
  }

  it('serves a session, and exit ends only that session', async () => {
    const first = await session();
    const result = await first.client.sendRequest<{ serverInfo: { name: string } }>('initialize', initializeParams(folderUri));
    assert.equal(result.serverInfo.name, 'refact-ts');
    await first.client.sendNotification('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'python', version: 3, text: 'x = 1\n' } });
    await engine.waitForLog(/lsp: opened .*hello\.py v3/);
    await first.client.sendRequest('shutdown');
    const closed = new Promise((resolve) => first.socket.once('close', resolve));
    await first.client.sendNotification('exit');
    await closed;
    first.client.dispose();

    const ping = await fetch(`${engine.baseUrl}/v1/ping`);
    assert.equal(await ping.text(), 'pong\n');
    const second = await session();
    const again = await second.client.sendRequest<{ serverInfo: { name: string } }>('initialize', initializeParams(folderUri));
    assert.equal(again.serverInfo.name, 'refact-ts');
    second.client.dispose();
    second.socket.destroy();
  });
});
