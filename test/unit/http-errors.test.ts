import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../server/http/app';
import { problem } from '../../server/http/errors';
import type { Logger } from '../../server/services/logger';

/** A logger that keeps what it is given, by level. */
function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function appWith(logger: Logger) {
  return buildApp({
    anyHost: false,
    logger,
    routes: [
      (app) => {
        app.get('/v1/broken', async () => {
          throw new TypeError('cannot read the thing');
        });
        app.get('/v1/missing', async () => {
          throw problem('NotFound', 'no such thing');
        });
        app.post('/v1/strict', { schema: { body: { type: 'object', required: ['x'] } } }, async () => ({ ok: true }));
      },
    ],
  });
}

describe('engine HTTP errors', () => {
  it('logs an unexpected error once, with its stack, through the engine logger, and answers 500 {"detail"}', async () => {
    const logger = recordingLogger();
    const app = appWith(logger);
    const reply = await app.inject({ method: 'GET', url: '/v1/broken?q=1', headers: { host: '127.0.0.1:8001' } });
    assert.equal(reply.statusCode, 500);
    assert.deepEqual(reply.json(), { detail: 'internal error: cannot read the thing' });
    const errors = logger.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(logger.lines));
    assert.match(errors[0]!.message, /GET \/v1\/broken failed: TypeError: cannot read the thing\n\s+at /);
    await app.close();
  });

  it('answers expected failures (problems, validation, unknown routes) without an error entry', async () => {
    const logger = recordingLogger();
    const app = appWith(logger);
    const headers = { host: '127.0.0.1:8001' };
    const missing = await app.inject({ method: 'GET', url: '/v1/missing', headers });
    assert.deepEqual([missing.statusCode, missing.json()], [404, { detail: 'no such thing' }]);
    const invalid = await app.inject({ method: 'POST', url: '/v1/strict', headers, payload: {} });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.json().detail, /x/);
    const unknown = await app.inject({ method: 'GET', url: '/v1/nothing', headers });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
    await app.close();
  });
});
