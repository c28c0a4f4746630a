import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { classifyOpenAiError, parseRetryAfterMs } from '../../../src/intent/openai/classify-error';
import { ManualClock } from '../../support/manual-clock';

const statusError = (status: number, headers: Record<string, string> = {}): APIError =>
  APIError.generate(status, { error: { message: 'x' } }, undefined, new Headers(headers));

describe('classifyOpenAiError', () => {
  it.each<[number, string, boolean]>([
    [400, 'config_error', false],
    [401, 'config_error', false],
    [403, 'config_error', false],
    [404, 'config_error', false],
    [422, 'config_error', false],
    [408, 'timeout', true],
    [409, 'server_error', true],
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [418, 'http_error', false],
  ])('HTTP %i => %s (retryable: %s)', (status, reason, retryable) => {
    expect(classifyOpenAiError(statusError(status))).toMatchObject({ reason, retryable, status });
  });

  it('classifies errors without a response', () => {
    expect(classifyOpenAiError(new APIConnectionTimeoutError())).toMatchObject({ reason: 'timeout', retryable: false });
    expect(classifyOpenAiError(new APIConnectionError({ message: 'ECONNREFUSED' }))).toMatchObject({
      reason: 'connection_error',
      retryable: true,
    });
    expect(classifyOpenAiError(new APIUserAbortError())).toMatchObject({ reason: 'unexpected_error' });
    expect(classifyOpenAiError(new TypeError('bug'))).toMatchObject({ reason: 'unexpected_error', retryable: false });
  });

  it('obeys x-should-retry and reads retry-after', () => {
    expect(classifyOpenAiError(statusError(500, { 'x-should-retry': 'false' }))).toMatchObject({ retryable: false });
    expect(classifyOpenAiError(statusError(400, { 'x-should-retry': 'true' }))).toMatchObject({ retryable: true });
    expect(classifyOpenAiError(statusError(429, { 'retry-after': '2' }))).toMatchObject({ retryAfterMs: 2000 });
  });
});

describe('parseRetryAfterMs', () => {
  const clock = new ManualClock('2025-01-01T00:00:00Z');
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), clock)).toBe(3000);
  });
  it('ignores missing or nonsense values', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '-4' }))).toBeUndefined();
  });
});
