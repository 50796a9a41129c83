import type { FastifyReply } from 'fastify';
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
  if (answer.type === 'raw') {
    raw.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-cache' });
    // pipe() rather than for-await: this is the proxy's hot path, and streams move bytes
    // with less overhead per chunk than async iteration.
    await new Promise<void>((resolve) => {
      const body = answer.body;
      const done = () => {
        answer.onEnd?.();
        if (!raw.writableEnded) raw.end();
        resolve();
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
    return answer.status;
  }
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

function errorEvent(err: unknown): object {
  const e = err instanceof ApiError ? err : new ApiError('internal', err instanceof Error ? err.message : String(err));
  return e.body();
}
