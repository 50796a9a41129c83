import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { SSE_DONE } from '../../../src/protocol/openai';
import type { BackendReply } from '../backends/types';
import { ApiError, isAbort } from './api-error';

/**
 * One AbortController per request, aborted when the client's connection closes before the
 * answer is complete. Backends pass its signal into generation, so a disconnect stops
 * decoding and frees the sequence at once.
 */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}

/** Writes a backend's answer; returns the status sent. Stream errors become a final SSE error event. */
export async function sendReply(reply: FastifyReply, answer: BackendReply): Promise<number> {
  if (answer.type === 'json') {
    await reply.code(200).send(answer.body);
    return 200;
  }
  const raw = reply.raw;
  reply.hijack();
  if (answer.type === 'raw') return answer.contentType.startsWith('text/event-stream') ? pipeStream(raw, answer) : sendWhole(raw, answer);
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  try {
    for await (const event of answer.events) {
      if (raw.destroyed) break;
      raw.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    if (!raw.destroyed) raw.write(SSE_DONE);
  } catch (err) {
    // Headers are gone already: the error travels as the last event, as Refact's server does.
    if (!isAbort(err) && !raw.destroyed) raw.write(`data: ${JSON.stringify(errorEvent(err))}\n\n`);
  } finally {
    raw.end();
  }
  return 200;
}

type RawReply = Extract<BackendReply, { type: 'raw' }>;

/**
 * A JSON (or other whole) answer is gathered, then written with its length in one call:
 * cheaper than a chunked pipe, and a body that breaks off can still become a clean 502.
 */
function sendWhole(raw: ServerResponse, answer: RawReply): Promise<number> {
  const body = answer.body;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onClose = () => body.destroy();
    body.on('data', (c: Buffer) => chunks.push(c));
    body.once('end', () => {
      raw.off('close', onClose);
      answer.onEnd?.();
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      raw.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-cache', 'content-length': all.length });
      raw.end(all);
      resolve(answer.status);
    });
    body.once('error', (err) => {
      raw.off('close', onClose);
      answer.onEnd?.();
      if (raw.destroyed || isAbort(err)) return resolve(answer.status);
      const e = new ApiError('upstream', `The upstream's answer broke off: ${err.message}`);
      raw.writeHead(e.status, { 'content-type': 'application/json' });
      raw.end(JSON.stringify(e.body()));
      resolve(e.status);
    });
    raw.once('close', onClose);
  });
}

/**
 * An SSE answer moves through as it comes. pipe() rather than for-await: this is the proxy's
 * hot path, and streams move bytes with less overhead per chunk than async iteration.
 */
function pipeStream(raw: ServerResponse, answer: RawReply): Promise<number> {
  const body = answer.body;
  raw.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-cache' });
  return new Promise((resolve) => {
    const done = () => {
      answer.onEnd?.();
      if (!raw.writableEnded) raw.end();
      resolve(answer.status);
    };
    body.once('error', (err) => {
      if (!isAbort(err) && !raw.destroyed) raw.write(`data: ${JSON.stringify(errorEvent(err))}\n\n`);
      done();
    });
    body.once('end', done);
    raw.once('close', () => {
      if (!body.readableEnded) body.destroy();
      done();
    });
    body.pipe(raw, { end: false });
  });
}

function errorEvent(err: unknown): object {
  const e = err instanceof ApiError ? err : new ApiError('internal', err instanceof Error ? err.message : String(err));
  return e.body();
}
