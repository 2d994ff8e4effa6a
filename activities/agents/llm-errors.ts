/**
 * Turns whatever a model call threw into a Temporal failure with an explicit type, so Temporal is the only retry
 * layer: 429 / 5xx / timeouts / resets / unparseable bodies retry (429 and 5xx after the server's Retry-After,
 * capped); a request the server refused retries nowhere.
 */
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { PhaseFailureType } from '../../workflows/messages';
import type { LlmCallOutcome } from './ledger';

export interface ClassifiedLlmError {
  outcome: LlmCallOutcome;
  detail: string;
  failure: ApplicationFailure;
}

export interface CallTiming {
  latencyMs: number;
  timeoutMs: number;
}

export function classifyLlmError(err: unknown, retryAfterCapMs: number, timing: CallTiming): ClassifiedLlmError {
  // The SDK reports its own timeout as a connection error when the abort crosses a realm (e.g. under jest), so
  // a connection error at the deadline counts as the timeout it is.
  const atDeadline = timing.latencyMs >= timing.timeoutMs * 0.95;
  if (err instanceof OpenAI.APIConnectionTimeoutError || (err instanceof OpenAI.APIConnectionError && atDeadline)) {
    return retryable('timeout', `the model did not answer within ${timing.timeoutMs} ms (MFO_LLM_TIMEOUT_MS)`);
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return retryable('connection_error', `connection to the model endpoint failed: ${causeOf(err)}`);
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    if (status === 429) {
      const { delay, note } = serverDelay(err.headers, retryAfterCapMs);
      const detail = `429 rate limited${note ?? ' (no Retry-After)'}`;
      return {
        outcome: 'rate_limited',
        detail,
        failure: ApplicationFailure.create({ type: PhaseFailureType.llmRateLimited, message: `model endpoint: ${detail}`, nextRetryDelay: delay }),
      };
    }
    if (status >= 500 || status === 408 || status === 409) {
      // A 503 often says when the server expects to be back; retrying sooner only adds to its load.
      const { delay, note } = serverDelay(err.headers, retryAfterCapMs);
      const detail = `model endpoint returned ${status}: ${err.message}${note ?? ''}`;
      return { outcome: 'server_error', detail, failure: ApplicationFailure.create({ type: PhaseFailureType.llmUnavailable, message: detail, nextRetryDelay: delay }) };
    }
    return {
      outcome: 'rejected',
      detail: `${status}: ${err.message}`,
      failure: ApplicationFailure.create({
        type: PhaseFailureType.llmRequestRejected,
        message: `the model endpoint refused the request (${status}${status === 401 || status === 403 ? ', check OPENAI_API_KEY' : ''}): ${err.message}`,
        nonRetryable: true,
      }),
    };
  }
  // The SDK parses a 200 body with JSON.parse: a truncated or non-JSON body surfaces as a plain SyntaxError.
  // By name, not instanceof: the SyntaxError comes from the fetch implementation's realm.
  if ((err as { name?: unknown } | null)?.name === 'SyntaxError' || err instanceof MalformedResponseError) {
    return retryable('malformed_response', `the model endpoint sent an unreadable response: ${(err as Error).message}`);
  }
  return retryable('connection_error', `model call failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** A 200 whose body parsed but is not a chat completion (no choices, no message). */
export class MalformedResponseError extends Error {}

/** The server's Retry-After as the next retry delay, capped; undefined leaves the delay to the retry policy. */
function serverDelay(headers: Headers | undefined, capMs: number): { delay: number | undefined; note: string | null } {
  const asked = retryAfterMs(headers);
  if (asked === null) return { delay: undefined, note: null };
  const delay = Math.min(asked, capMs);
  return { delay, note: `; Retry-After ${Math.round(asked / 1000)} s${delay < asked ? `, capped to ${Math.round(delay / 1000)} s` : ''}` };
}

function retryable(outcome: LlmCallOutcome, detail: string): ClassifiedLlmError {
  return { outcome, detail, failure: ApplicationFailure.create({ type: PhaseFailureType.llmUnavailable, message: detail }) };
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : err.message;
}

/** `retry-after-ms` (OpenAI's own), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
