import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { type Clock, systemClock } from '../../util/clock';
import type { FailureReason } from '../resilience/intent-failure';

/**
 * Maps an error thrown by the openai SDK to a failure reason, and says whether another attempt
 * could succeed (and when the server wants it).
 *
 *   APIConnectionTimeoutError         timeout           no retry (the attempt had the whole budget left)
 *   APIConnectionError                connection_error  retry
 *   429                               rate_limited      retry, honouring retry-after(-ms)
 *   5xx, 409 (lock timeout)           server_error      retry
 *   408                               timeout           retry
 *   400, 401, 403, 404, 422           config_error      never: key, model, URL or request shape is wrong
 *   any other status                  http_error        no retry
 *   anything else                     unexpected_error  no retry
 * An `x-should-retry: true|false` header overrides the retry decision, as in the SDK.
 */

export interface ClassifiedError {
  reason: FailureReason;
  retryable: boolean;
  /** Server-requested wait before retrying, from `retry-after-ms` or `retry-after`. */
  retryAfterMs?: number;
  status?: number;
  message: string;
}

const CONFIG_STATUSES = new Set([400, 401, 403, 404, 422]);

export function classifyOpenAiError(error: unknown, clock: Clock = systemClock): ClassifiedError {
  const message = error instanceof Error ? error.message : String(error);
  // Order matters: the timeout and abort errors are subclasses of APIConnectionError / APIError.
  if (error instanceof APIConnectionTimeoutError) return { reason: 'timeout', retryable: false, message };
  if (error instanceof APIUserAbortError) return { reason: 'unexpected_error', retryable: false, message };
  if (error instanceof APIConnectionError) return { reason: 'connection_error', retryable: true, message };
  if (!(error instanceof APIError) || typeof error.status !== 'number') {
    return { reason: 'unexpected_error', retryable: false, message };
  }

  const status = error.status;
  const headers: Headers | undefined = error.headers instanceof Headers ? error.headers : undefined;
  const { reason, retryable } = reasonForStatus(status);
  const shouldRetry = headers?.get('x-should-retry');
  const retryAfterMs = parseRetryAfterMs(headers, clock);
  return {
    reason,
    retryable: shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    status,
    message,
  };
}

function reasonForStatus(status: number): { reason: FailureReason; retryable: boolean } {
  if (status === 429) return { reason: 'rate_limited', retryable: true };
  if (status >= 500 || status === 409) return { reason: 'server_error', retryable: true };
  if (status === 408) return { reason: 'timeout', retryable: true };
  if (CONFIG_STATUSES.has(status)) return { reason: 'config_error', retryable: false };
  return { reason: 'http_error', retryable: false };
}

/** `retry-after-ms` (a non-standard header OpenAI sends) wins over `retry-after` (seconds or an HTTP date). */
export function parseRetryAfterMs(headers: Headers | undefined, clock: Clock = systemClock): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - clock.now().getTime());
}
