import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/**
 * The JSON bytes a client sent, kept beside the parsed body, so that a proxied request goes
 * upstream as those bytes instead of being serialized again. The key is a symbol and the
 * property is not enumerable: validation, JSON.stringify and object spread never see or copy
 * it, so a body rebuilt from the parsed one carries no stale bytes.
 */
const RAW = Symbol('raw JSON body');

interface Kept {
  bytes: Buffer;
  /** The top-level fields as parsed, to notice a body changed after parsing. */
  fields: Record<string, unknown>;
  count: number;
}

type WithRaw = Record<string, unknown> & { [RAW]?: Kept };

/**
 * The client's bytes for `body`, or null when there are none or when a top-level field was
 * added, removed or replaced since parsing (a value that validation coerced, or one a route
 * changed): then only serializing the body again sends what the server decided.
 */
export function rawJsonOf(body: object): Buffer | null {
  const b = body as WithRaw;
  const kept = b[RAW];
  if (kept === undefined) return null;
  let count = 0;
  for (const key in b) {
    if (kept.fields[key] !== b[key]) return null;
    count += 1;
  }
  return count === kept.count ? kept.bytes : null;
}

/** Parses JSON bodies with fastify's own parser (prototype-poisoning checks included) and keeps their bytes. */
export function keepRawJsonBodies(app: FastifyInstance, options: Pick<FastifyServerOptions, 'onProtoPoisoning' | 'onConstructorPoisoning'>): void {
  const parse = app.getDefaultJsonParser(options.onProtoPoisoning ?? 'error', options.onConstructorPoisoning ?? 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes: Buffer, done) => {
    parse(request, bytes.toString('utf8'), (err, value) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const fields = { ...(value as Record<string, unknown>) };
        Object.defineProperty(value, RAW, { value: { bytes, fields, count: Object.keys(fields).length } satisfies Kept });
      }
      done(err, value);
    });
  });
}
