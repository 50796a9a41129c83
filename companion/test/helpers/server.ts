import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app';
import { compose, type Composed } from '../../src/compose';
import { DEFAULTS, type ServerConfig } from '../../src/config';
import { ServerLog } from '../../src/server-log';
import { tinyGguf } from './tiny-model';

export interface TestServer {
  app: FastifyInstance;
  composed: Composed;
  url: string;
  log: ServerLog;
  close: () => Promise<void>;
}

/**
 * The real server in this process on a free loopback port. One thread per context: the test
 * machine is small and shared, and llama.cpp's threads spin badly when cores are contended.
 */
export async function startServer(overrides: Partial<ServerConfig> = {}, withTinyModel = true): Promise<TestServer> {
  const gguf = await tinyGguf();
  const config: ServerConfig = {
    ...DEFAULTS,
    permDir: mkdtempSync(join(tmpdir(), 'refact-ts-server-')),
    models: withTinyModel ? [gguf] : [],
    embeddingModels: withTinyModel ? [`emb=${gguf}`] : [],
    gpu: 'cpu',
    threads: 1,
    ...overrides,
  };
  const log = new ServerLog(() => {});
  const composed = await compose(config, log);
  const app = buildApp(composed.deps);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    composed,
    url,
    log,
    close: async () => {
      await app.close();
      await composed.dispose();
    },
  };
}

/** Posts JSON and parses the JSON answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Leave non-JSON bodies (SSE) as text.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The `data:` payloads of an SSE body, `[DONE]` included as a string. */
export function sseEvents(text: string): Array<any> {
  return text
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: '))
    .map((block) => {
      const data = block.slice(6);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

/**
 * Polls `check` until it holds or the deadline passes, waiting 10 ms between polls and doubling
 * to 200 ms: quick when the state comes soon, and no busy loop against the server when it does not.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}
