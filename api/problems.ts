/**
 * Errors become RFC 9457 problem documents. Route code throws http-errors (or lets zod / Temporal errors
 * through); this is the one place that decides status codes, and it never leaks stack traces.
 */
import type { ErrorRequestHandler } from 'express';
import createHttpError, { isHttpError } from 'http-errors';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ZodError } from 'zod';
import type { Logger } from '../config/logger';

export interface ProblemIssue {
  field: string;
  rule: string;
  message: string;
}

export function zodIssues(error: ZodError, prefix: string): ProblemIssue[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || prefix,
    rule: i.code,
    message: i.message,
  }));
}

/** 400 naming each offending field and the rule it broke. */
export function badRequest(issues: ProblemIssue[]) {
  return createHttpError(400, `Invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues });
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let detail = 'Internal server error';
    let issues: ProblemIssue[] | undefined;
    if (err instanceof ZodError) {
      status = 400;
      issues = zodIssues(err, '');
      detail = 'Invalid request';
    } else if (isHttpError(err)) {
      status = err.status;
      // Body-parser errors are http-errors too. 4xx messages are safe to show; a 5xx message only when it was
      // written for the caller (`expose`), e.g. what to do while no worker is polling.
      detail = err.expose ? err.message : detail;
      issues = (err as { issues?: ProblemIssue[] }).issues;
      if (err.headers) res.set(err.headers);
    } else if (temporalUnreachable(err)) {
      status = 503;
      // A read changes nothing; a write Temporal did not confirm in time may still have reached it.
      detail =
        req.method === 'GET' || !temporalDeadlineExceeded(err)
          ? 'Temporal is not reachable right now; nothing was changed, retry shortly'
          : 'Temporal did not confirm this change in time; it may have taken effect: read it back before retrying';
      res.set('retry-after', '5');
    } else if (err instanceof URIError) {
      // The router could not percent-decode a path segment.
      status = 400;
      detail = 'malformed percent-encoding in the request path';
    }
    // The message and type are enough at error level; the stack is for whoever turns on debug logging.
    if (status >= 500) {
      logger.error({ errorType: (err as Error)?.name, error: (err as Error)?.message, method: req.method, path: req.path }, 'request failed');
      logger.debug({ stack: (err as Error)?.stack }, 'request failure stack');
    }
    res
      .status(status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: createHttpError(status).message, status, detail, ...(issues ? { issues } : {}) });
  };
}

/** The gateway could not reach the Temporal frontend (down, restarting, or too slow to answer). */
function temporalUnreachable(err: unknown): boolean {
  return grpcCode(err) === GrpcStatus.UNAVAILABLE || temporalDeadlineExceeded(err);
}

/** A call to Temporal ran out of its deadline (MFO_TEMPORAL_TIMEOUT_MS, or an operation's own). */
export function temporalDeadlineExceeded(err: unknown): boolean {
  return grpcCode(err) === GrpcStatus.DEADLINE_EXCEEDED;
}

function grpcCode(err: unknown): number | undefined {
  const grpc = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(grpc) ? grpc.code : undefined;
}
