/** Error classification and pricing of model calls: which failures Temporal retries, after how long, at what cost. */
import OpenAI from 'openai';
import { classifyLlmError, retryAfterMs } from '../../activities/agents/llm-errors';
import { LlmPriceList } from '../../activities/agents/pricing';

const timing = { latencyMs: 10, timeoutMs: 1000 };
const apiError = (status: number, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error: { message: 'boom' } }, undefined, new Headers(headers));

test.each([
  [429, 'rate_limited', 'LlmRateLimited', false],
  [500, 'server_error', 'LlmUnavailable', false],
  [503, 'server_error', 'LlmUnavailable', false],
  [400, 'rejected', 'LlmRequestRejected', true],
  [401, 'rejected', 'LlmRequestRejected', true],
  [403, 'rejected', 'LlmRequestRejected', true],
  [404, 'rejected', 'LlmRequestRejected', true],
])('HTTP %i → %s (%s, nonRetryable %s)', (status, outcome, type, nonRetryable) => {
  const classified = classifyLlmError(apiError(status), 60_000, timing);
  expect(classified.outcome).toBe(outcome);
  expect(classified.failure.type).toBe(type);
  expect(classified.failure.nonRetryable).toBe(nonRetryable);
});

test("a 429's Retry-After becomes the next retry delay, capped", () => {
  expect(classifyLlmError(apiError(429, { 'retry-after': '7' }), 60_000, timing).failure.nextRetryDelay).toBe(7000);
  const capped = classifyLlmError(apiError(429, { 'retry-after': '3600' }), 30_000, timing);
  expect(capped.failure.nextRetryDelay).toBe(30_000);
  expect(capped.detail).toContain('capped to 30 s');
  expect(classifyLlmError(apiError(429), 30_000, timing).failure.nextRetryDelay).toBeUndefined();
});

test.each([500, 502, 503])("a %i's Retry-After is honoured too, under the same cap", (status) => {
  const asked = classifyLlmError(apiError(status, { 'retry-after': '5' }), 60_000, timing);
  expect(asked.outcome).toBe('server_error');
  expect(asked.failure.type).toBe('LlmUnavailable');
  expect(asked.failure.nonRetryable).toBe(false);
  expect(asked.failure.nextRetryDelay).toBe(5000);
  expect(asked.detail).toContain('Retry-After 5 s');
  const capped = classifyLlmError(apiError(status, { 'retry-after-ms': '900000' }), 30_000, timing);
  expect(capped.failure.nextRetryDelay).toBe(30_000);
  expect(capped.detail).toContain('Retry-After 900 s, capped to 30 s');
  // Without the header the retry policy's backoff decides.
  expect(classifyLlmError(apiError(status), 30_000, timing).failure.nextRetryDelay).toBeUndefined();
});

test('Retry-After forms: milliseconds, seconds, HTTP date, garbage', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
  expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
  expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
  expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
  expect(retryAfterMs(undefined, now)).toBeNull();
});

test('timeouts, resets and unreadable bodies are retryable', () => {
  expect(classifyLlmError(new OpenAI.APIConnectionTimeoutError(), 1, timing).outcome).toBe('timeout');
  expect(classifyLlmError(new OpenAI.APIConnectionError({ message: 'x' }), 1, { latencyMs: 999, timeoutMs: 1000 }).outcome).toBe('timeout');
  expect(classifyLlmError(new OpenAI.APIConnectionError({ message: 'reset' }), 1, timing).outcome).toBe('connection_error');
  const malformed = classifyLlmError(new SyntaxError('Unexpected end of JSON input'), 1, timing);
  expect(malformed.outcome).toBe('malformed_response');
  expect(malformed.failure.nonRetryable).toBe(false);
});

test('prices: exact names, dated snapshots, overrides, unknown models cost nothing', () => {
  const prices = new LlmPriceList({ 'llama3.1:8b': { input: 0, output: 0 }, 'gpt-4o': { input: 2, output: 8 } });
  expect(prices.cost('gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
  expect(prices.cost('gpt-4o-mini-2024-07-18', 1000, 0)).toBeCloseTo(0.00015, 10);
  expect(prices.cost('gpt-4o', 1_000_000, 0)).toBe(2);
  expect(prices.priceOf('mistral-large')).toBeNull();
  expect(prices.cost('mistral-large', 5000, 5000)).toBe(0);
});
