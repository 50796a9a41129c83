/**
 * The HTTP boundary's one error translation: internal outcomes and fastify's own errors become
 * Refact's `{"detail": ...}` bodies with a status from the protocol's error registry.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes } from '../../src/protocol/errors';
import type { Logger } from '../services/logger';

type ErrorKind = keyof typeof ErrorCodes;

/** Thrown by route adapters to answer with a registered status and a reason. */
export class HttpProblem extends Error {
  constructor(readonly kind: ErrorKind, detail: string) {
    super(detail);
  }
}

export function problem(kind: ErrorKind, detail: string): HttpProblem {
  return new HttpProblem(kind, detail);
}

export function replyError(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.code(status).type('application/json').send({ detail });
}

/**
 * Expected outcomes (problems, validation, fastify's 4xx) answer quietly; anything else is a bug
 * or a fault, so it goes to the engine's own log with its stack, once, here (fastify's logger is
 * off: the engine has one log, never stdout).
 */
export function handleError(error: FastifyError | HttpProblem | Error, request: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  if (error instanceof HttpProblem) return replyError(reply, ErrorCodes[error.kind].status, error.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return replyError(reply, 400, `invalid request: ${fastifyError.message}`);
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return replyError(reply, status, fastifyError.message);
  logger.error(`http: ${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
  return replyError(reply, 500, `internal error: ${error.message}`);
}
