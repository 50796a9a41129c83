import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, waitFor, type TestServer } from '../helpers/server';
import { tinyGguf } from '../helpers/tiny-model';

describe('models in the admin API: import, load with a placement, unload, remember across restarts', () => {
  let s: TestServer;
  let permDir: string;
  before(async () => {
    s = await startServer({}, false);
    permDir = s.composed.deps.permDir;
  });
  after(async () => s.close());

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    s.app.inject({ method, url, ...(payload ? { payload, headers: { 'content-type': 'application/json' } } : {}) });
  const complete = (app = s.app) =>
    app.inject({ method: 'POST', url: '/v1/completions', headers: { 'content-type': 'application/json' }, payload: { model: 'team/tiny', prompt: 'def f(', max_tokens: 2 } });

  it('imports a GGUF, loads it on the CPU, serves it in caps and completions, and shows its placement', async () => {
    const before = (await call('GET', '/refact-caps')).json().caps_version;
    const imported = await call('POST', '/admin/api/imports', { name: 'team/tiny', path: await tinyGguf() });
    assert.equal(imported.statusCode, 201, imported.body);
    const listed = (await call('GET', '/admin/api/models')).json();
    assert.deepEqual(listed.weights.map((w: { name: string; loaded: boolean }) => [w.name, w.loaded]), [['team/tiny', false]]);
    assert.match(listed.weights[0].sha256, /^[0-9a-f]{64}$/);
    assert.ok(listed.registry.some((r: { name: string }) => r.name === 'qwen2.5/coder/1.5b/base'));

    const loaded = await call('POST', '/admin/api/models', { name: 'team/tiny', gpuLayers: 0 });
    assert.equal(loaded.statusCode, 201, loaded.body);
    assert.equal(loaded.json().local.placement.gpuLayers, 0);
    assert.ok(loaded.json().local.placement.totalLayers > 0);
    const caps = (await call('GET', '/refact-caps')).json();
    assert.equal(caps.completion.default_model, 'team/tiny');
    assert.ok(caps.caps_version > before, 'clients see a new caps version');
    assert.equal((await complete()).statusCode, 200);
    const state = (await call('GET', '/admin/api/models')).json();
    const m = state.models.find((x: { name: string }) => x.name === 'team/tiny');
    assert.equal(m.local.origin, 'admin');
    assert.equal(m.local.placement.requested, 0);
    assert.equal(state.compute, 'cpu');
  });

  it('refuses a second load of the same name (409) and a name without weights (400, saying how to get them)', async () => {
    const again = await call('POST', '/admin/api/models', { name: 'team/tiny' });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /served already/);
    const missing = await call('POST', '/admin/api/models', { name: 'qwen2.5/coder/1.5b/base' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error.message, /--download qwen2.5\/coder\/1.5b\/base/);
    const badPlacement = await call('POST', '/admin/api/models', { name: 'team/tiny', gpuLayers: 'most' });
    assert.equal(badPlacement.statusCode, 400);
  });

  it('refuses a damaged GGUF with 400 and the reason, and keeps serving', async () => {
    mkdirSync(join(permDir, 'weights'), { recursive: true });
    writeFileSync(join(permDir, 'weights', 'broken.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(64, 7)]));
    const r = await call('POST', '/admin/api/models', { name: 'broken', gpuLayers: 0 });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /cannot load "broken"/);
    assert.equal((await complete()).statusCode, 200);
  });

  it('reports a failed download as a failed job with the reason, and refuses an unknown registry name', async () => {
    const unknown = await call('POST', '/admin/api/downloads', { name: 'no/such/model' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().error.message, /unknown model/);
    const missing = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => missing.listen(0, '127.0.0.1', r));
    after(() => missing.close());
    const url = `http://127.0.0.1:${(missing.address() as AddressInfo).port}/gone.gguf`;
    const started = await call('POST', '/admin/api/downloads', { name: `gone=${url}` });
    assert.equal(started.statusCode, 202);
    await waitFor(async () => (await call('GET', '/admin/api/models')).json().downloads.some((d: { state: string }) => d.state === 'failed'), 'the download to fail');
    const job = (await call('GET', '/admin/api/models')).json().downloads.find((d: { name: string }) => d.name === 'gone');
    assert.match(job.line, /cannot download "gone".*offline/s);
  });

  it('loads an admin-loaded model again on the next start, and forgets it once unloaded', async () => {
    await s.close();
    s = await startServer({ permDir }, false);
    assert.equal((await complete()).statusCode, 200, 'served again after the restart');
    const unloaded = await call('POST', '/admin/api/models/unload', { name: 'team/tiny' });
    assert.equal(unloaded.statusCode, 200);
    assert.equal((await complete()).statusCode, 404);
    assert.equal((await call('POST', '/admin/api/models/unload', { name: 'team/tiny' })).statusCode, 404);
    await s.close();
    s = await startServer({ permDir }, false);
    assert.equal((await complete()).statusCode, 404, 'an unloaded model stays unloaded');
  });
});
