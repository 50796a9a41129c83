import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { keepRawJsonBodies, rawJsonOf } from '../../src/http/raw-body';

/** An app whose one route applies `change` to the parsed body and answers what rawJsonOf gives. */
function app(change: (body: Record<string, unknown>) => void = () => {}) {
  const a = Fastify();
  keepRawJsonBodies(a, {});
  a.post('/', async (request) => {
    const body = request.body as Record<string, unknown>;
    change(body);
    return { raw: rawJsonOf(body)?.toString('utf8') ?? null, spread: rawJsonOf({ ...body }) };
  });
  return a;
}

const payload = '{"model": "m", "prompt": "é", "n": 1}';
const post = async (a: ReturnType<typeof app>, text: string) => {
  const res = await a.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: text });
  return { status: res.statusCode, body: res.json() as { raw: string | null; spread: null } };
};

describe('raw JSON bodies', () => {
  it('keeps the bytes of an unchanged body, and a copy of the body has none', async () => {
    const res = await post(app(), payload);
    assert.deepEqual(res.body, { raw: payload, spread: null });
  });

  const changes: Array<[string, (b: Record<string, unknown>) => void]> = [
    ['a replaced field', (b) => (b.n = 2)],
    ['an added field', (b) => (b.stream = false)],
    ['a removed field', (b) => delete b.n],
  ];
  for (const [name, change] of changes) {
    it(`gives none after ${name}`, async () => {
      assert.equal((await post(app(change), payload)).body.raw, null);
    });
  }

  it('still refuses prototype poisoning and malformed JSON as fastify does', async () => {
    assert.equal((await post(app(), '{"__proto__": {"x": 1}}')).status, 400);
    assert.equal((await post(app(), '{"model":')).status, 400);
    assert.equal((await post(app(), '')).status, 400);
  });

  it('keeps nothing for a body that is not an object', async () => {
    const a = Fastify();
    keepRawJsonBodies(a, {});
    a.post('/', async (request) => ({ raw: rawJsonOf(Object(request.body) as object) }));
    const res = await a.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '[1,2]' });
    assert.deepEqual(res.json(), { raw: null });
  });
});
