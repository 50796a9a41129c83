import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapsService, type CapsServiceOptions, type ProvidersSource, type Timers } from '../../server/services/caps-service';
import type { GetInit, HttpGet } from '../../server/services/http-get';
import type { Logger } from '../../server/services/logger';

const ADDRESS = 'http://caps.test:8008';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function selfHosted(version: number, model = 'm1'): string {
  return JSON.stringify({ cloud_name: 'Test Server', caps_version: version, chat: { endpoint: '/v1/chat/completions', models: { [model]: { n_ctx: 4096 } }, default_model: model } });
}

/** A caps server the test scripts: `down`, or a status and body per path. */
class FakeServer {
  down = true;
  routes = new Map<string, { status: number; body: string }>();
  calls: { url: string; headers: Record<string, string> }[] = [];
  fetch: HttpGet = async (url: string, init: GetInit) => {
    this.calls.push({ url, headers: init.headers });
    if (this.down) throw Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 10.0.0.1:8008') });
    const route = this.routes.get(new URL(url).pathname) ?? { status: 404, body: '{"detail":"no such page"}' };
    return { status: route.status, text: async () => route.body };
  };
  serve(path: string, body: string, status = 200): void {
    this.down = false;
    this.routes.set(path, { status, body });
  }
}

/** Timers that only fire when the test says so, recording each delay asked for. */
class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number; live: boolean }[] = [];
  set(fn: () => void, ms: number) {
    const timer = { fn, ms, live: true };
    this.pending.push(timer);
    return () => void (timer.live = false);
  }
  live() {
    return this.pending.filter((t) => t.live);
  }
  /** Fires the one live timer and returns its delay. */
  fire(): number {
    const live = this.live();
    assert.equal(live.length, 1, 'exactly one timer should be pending');
    live[0]!.live = false;
    live[0]!.fn();
    return live[0]!.ms;
  }
}

class MemoryProviders implements ProvidersSource {
  files = new Map<string, string>();
  version = 0;
  set(name: string, text: string) {
    this.files.set(name, text);
    this.version++;
  }
  async stamp() {
    return String(this.version);
  }
  async readAll() {
    return { files: [...this.files].map(([name, text]) => ({ name, path: `${name}.yaml`, text })), errors: [] };
  }
}

function setup(overrides: Partial<CapsServiceOptions> = {}) {
  const server = new FakeServer();
  const timers = new ManualTimers();
  const providers = new MemoryProviders();
  const clock = { now: 1_000_000 };
  const service = new CapsService({
    addressUrl: ADDRESS, apiKey: 'sk-test', experimental: false, userAgent: 'refact-ts-lsp 0.1.0', providers,
    fetch: server.fetch, env: {}, logger: quiet, timers, now: () => clock.now, ...overrides,
  });
  return { server, timers, providers, clock, service };
}

/** Lets the fetch started by a timer run to completion. */
async function settle(service: CapsService) {
  await service.getCaps();
}

describe('caps service', () => {
  it('answers unavailable while the server is down, naming the URL and the error', async () => {
    const { service } = setup();
    service.start();
    const result = await service.getCaps();
    assert.equal(result.ok, false);
    const detail = (result as { detail: string }).detail;
    assert.match(detail, /http:\/\/caps\.test:8008\/refact-caps/);
    assert.match(detail, /ECONNREFUSED/);
    assert.match(detail, /next try in 1 s/);
  });

  it('backs off exponentially up to a minute, then recovers and resets', async () => {
    const { service, server, timers } = setup();
    service.start();
    await settle(service);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      delays.push(timers.fire());
      await settle(service);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    server.serve('/refact-caps', selfHosted(1));
    assert.equal(timers.fire(), 60000);
    const result = await service.getCaps();
    assert.ok(result.ok);
    assert.ok(result.caps.chat_models.has('test_server/m1'));
    assert.deepEqual(timers.live().map((t) => t.ms), [3_600_000], 'back to the hourly refresh');
  });

  it('keeps serving the last good caps when a later fetch fails', async () => {
    const { service, server, timers } = setup();
    server.serve('/refact-caps', selfHosted(1));
    service.start();
    assert.ok((await service.getCaps()).ok);
    server.down = true;
    await service.reload();
    const result = await service.getCaps();
    assert.ok(result.ok && result.caps.chat_models.has('test_server/m1'));
    assert.deepEqual(timers.live().map((t) => t.ms), [1000], 'retrying in the background');
  });

  it('falls back to /coding_assistant_caps.json and sends the key and user agent', async () => {
    const { service, server } = setup();
    server.serve('/coding_assistant_caps.json', JSON.stringify({ cloud_name: 'old', endpoint_chat_passthrough: '/chat', running_models: ['gpt-4o'] }));
    service.start();
    const result = await service.getCaps();
    assert.ok(result.ok && result.caps.chat_models.has('old/gpt-4o'));
    assert.deepEqual(server.calls.map((c) => c.url), [`${ADDRESS}/refact-caps`, `${ADDRESS}/coding_assistant_caps.json`]);
    for (const call of server.calls) {
      assert.equal(call.headers.authorization, 'Bearer sk-test');
      assert.equal(call.headers['user-agent'], 'refact-ts-lsp 0.1.0');
    }
  });

  it('reports a broken document with its URL and keeps retrying', async () => {
    const { service, server, timers } = setup();
    server.serve('/refact-caps', JSON.stringify({ cloud_name: 'x', chat: { endpoint: '/c', models: { m: {} } } }));
    service.start();
    const result = await service.getCaps();
    assert.equal(result.ok, false);
    assert.match((result as { detail: string }).detail, /refact-caps: invalid self-hosted caps: 'chat\.models\.m\.n_ctx' is required/);
    assert.equal(timers.live().length, 1);
  });

  it('reloads when a response piggy-backs a newer caps_version, not an older one', async () => {
    const { service, server } = setup();
    server.serve('/refact-caps', selfHosted(5));
    service.start();
    await settle(service);
    const before = server.calls.length;
    service.noteCapsVersion(5);
    assert.equal(server.calls.length, before);
    server.serve('/refact-caps', selfHosted(6, 'm2'));
    service.noteCapsVersion(6);
    assert.equal(server.calls.length, before + 1, 'a newer version starts a fetch at once');
    await service.reload();
    const result = await service.getCaps();
    assert.ok(result.ok && result.caps.chat_models.has('test_server/m2') && result.caps.caps_version === 6);
  });

  it('with an empty address URL, serves providers.d alone and fetches nothing', async () => {
    const { service, server, providers } = setup({ addressUrl: '' });
    service.start();
    const empty = await service.getCaps();
    assert.ok(empty.ok && empty.caps.chat_models.size === 0 && empty.caps.completion_models.size === 0);
    providers.set('ollama', 'enabled: true\n');
    service.invalidateProviders();
    const withOllama = await service.getCaps();
    assert.ok(withOllama.ok && withOllama.caps.completion_models.has('ollama/qwen2.5-coder:1.5b-base'));
    assert.equal(server.calls.length, 0);
  });

  it('notices providers.d edits once the check interval has passed, and is cached within it', async () => {
    const { service, providers, clock } = setup({ addressUrl: '', providersCheckMs: 1000 });
    const first = await service.getCaps();
    providers.set('custom', 'chat_models:\n  m: {n_ctx: 1}\n');
    const cached = await service.getCaps();
    assert.ok(first.ok && cached.ok && cached.caps === first.caps, 'same caps object within the interval');
    clock.now += 1000;
    const fresh = await service.getCaps();
    assert.ok(fresh.ok && fresh.caps.chat_models.has('custom/m'));
  });

  it('does not wait on the network to start, and stops retrying once disposed', async () => {
    let aborted!: Promise<void>;
    const hanging: HttpGet = (_url, init) => {
      const never = new Promise<never>((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      aborted = never.then(() => undefined, () => undefined);
      return never;
    };
    const { service, timers } = setup({ fetch: hanging });
    service.start();
    assert.equal(service.serverCaps(), null, 'start returned while the fetch hangs');
    service.dispose();
    await aborted;
    await settle(service);
    assert.equal(timers.live().length, 0, 'no retry after dispose');
  });

  it('reports an unusable address URL without trying to fetch', async () => {
    const { service, server } = setup({ addressUrl: 'caps server please' });
    service.start();
    const result = await service.getCaps();
    assert.equal(result.ok, false);
    assert.match((result as { detail: string }).detail, /not a valid URL/);
    assert.equal(server.calls.length, 0);
  });
});
