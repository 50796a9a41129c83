import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveModelArg, weightsPath } from '../../src/model-specs';
import { downloadModel, parseDownloadArg, sha256Of } from '../../src/registry/download';
import { tinyGguf } from '../helpers/tiny-model';

describe('model download into the perm dir', () => {
  let server: http.Server;
  let base: string;
  let bytes: Buffer;
  before(async () => {
    bytes = readFileSync(await tinyGguf());
    server = http.createServer((req, res) => {
      if (req.url !== '/tiny.gguf') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'accept-ranges': 'bytes' });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads by URL with progress, verifies the checksum, and the name then resolves', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    const lines: string[] = [];
    const sha = await sha256Of(await tinyGguf());
    const path = await downloadModel({ name: 'tiny/test', source: `${base}/tiny.gguf`, sha256: sha }, perm, (l) => lines.push(l));
    assert.equal(path, weightsPath(perm, 'tiny/test'));
    assert.ok(readFileSync(path).equals(bytes));
    assert.ok(lines.some((l) => /100%/.test(l)), lines.join('\n'));
    assert.deepEqual(resolveModelArg('tiny/test', perm, false), { name: 'tiny/test', path, embedding: false });
  });

  it('refuses a file whose checksum does not match', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    await assert.rejects(downloadModel({ name: 'bad', source: `${base}/tiny.gguf`, sha256: '0'.repeat(64) }, perm, () => {}), /checksum mismatch/);
  });

  it('explains an unreachable source as possibly offline, naming where to put the file', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    await assert.rejects(downloadModel({ name: 'gone', source: `${base}/missing.gguf`, sha256: null }, perm, () => {}), /cannot download "gone".*offline.*gone\.gguf/s);
  });

  it('knows registry names, and says how to get a missing one', () => {
    assert.match(parseDownloadArg('qwen2.5/coder/1.5b/base').source, /^hf:.*1\.5B.*Q8_0$/);
    assert.throws(() => parseDownloadArg('no/such/model'), /unknown model/);
    assert.throws(() => resolveModelArg('qwen2.5/coder/1.5b/base', mkdtempSync(join(tmpdir(), 'perm-')), false), /--download qwen2.5\/coder\/1.5b\/base/);
  });
});
