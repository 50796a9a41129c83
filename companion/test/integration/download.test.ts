import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveModelArg } from '../../src/model-specs';
import { downloadModel, parseDownloadArg } from '../../src/registry/download';
import { importModel, listWeights, parseImportArg, readWeightsRecord, sha256Of, weightsPath } from '../../src/registry/weights';
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
    await assert.rejects(downloadModel({ name: 'gone', source: `${base}/missing.gguf`, sha256: null }, perm, () => {}), /cannot download "gone".*offline.*--import gone=.*gone\.gguf/s);
  });

  it('knows registry names, and says how to get a missing one', () => {
    assert.match(parseDownloadArg('qwen2.5/coder/1.5b/base').source, /^hf:.*1\.5B.*Q8_0$/);
    assert.throws(() => parseDownloadArg('no/such/model'), /unknown model/);
    assert.throws(() => resolveModelArg('qwen2.5/coder/1.5b/base', mkdtempSync(join(tmpdir(), 'perm-')), false), /--download qwen2.5\/coder\/1.5b\/base/);
  });

  it('records the checksum of a download beside it, and refuses to serve the file once its size changes', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    const path = await downloadModel({ name: 'tiny/rec', source: `${base}/tiny.gguf`, sha256: null }, perm, () => {});
    assert.equal(readWeightsRecord(path)?.sha256, await sha256Of(path));
    assert.equal(readWeightsRecord(path)?.size, bytes.length);
    appendFileSync(path, 'x');
    assert.throws(() => resolveModelArg('tiny/rec', perm, false), /was saved with \d+ .*download or import it again/);
  });
});

describe('model import from a local file', () => {
  it('copies a GGUF into the perm dir under a name, with its checksum, so --model NAME serves it', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    const gguf = await tinyGguf();
    const { name, source } = parseImportArg(`team/tiny=${gguf}`);
    const path = await importModel(name, source, perm, () => {});
    assert.equal(path, weightsPath(perm, 'team/tiny'));
    assert.equal(readWeightsRecord(path)?.sha256, await sha256Of(gguf));
    assert.deepEqual(resolveModelArg('team/tiny', perm, false), { name: 'team/tiny', path, embedding: false });
    assert.deepEqual(listWeights(perm).map((w) => w.name), ['team/tiny']);
    assert.equal(parseImportArg('/x/y/coder.gguf').name, 'coder');
  });

  it('refuses a missing file, a file that is not GGUF, and a name that escapes the weights folder', async () => {
    const perm = mkdtempSync(join(tmpdir(), 'perm-'));
    await assert.rejects(importModel('m', '/nonexistent.gguf', perm, () => {}), /no file at \/nonexistent\.gguf/);
    const notGguf = join(perm, 'notes.gguf');
    writeFileSync(notGguf, 'hello');
    await assert.rejects(importModel('m', notGguf, perm, () => {}), /is not a GGUF file/);
    await assert.rejects(importModel('../evil', await tinyGguf(), perm, () => {}), /may hold only/);
    assert.deepEqual(listWeights(perm), []);
  });
});
