/**
 * The vocabulary shared by a primary detector and the resilience layer around it: a primary that
 * cannot answer throws an IntentFailure whose `reason` is machine-readable, and the resilience layer
 * copies that reason into `IntentResult.fallbackReason` when another detector answers instead.
 */

export type FailureReason =
  /** The model declined to answer (`message.refusal`, or `finish_reason: 'content_filter'`). */
  | 'refusal'
  /** The answer was cut off by the token budget (`finish_reason: 'length'`). */
  | 'truncated'
  /** The answer could not be parsed as `{ "intent": string }`. */
  | 'invalid_answer'
  /** The deadline passed before an answer arrived (including any retries). */
  | 'timeout'
  /** HTTP 429, after the retries that fit in the deadline. */
  | 'rate_limited'
  /** HTTP 5xx (or 408/409, which the provider asks us to retry), after retries. */
  | 'server_error'
  /** No HTTP response at all: refused, reset, DNS, TLS... */
  | 'connection_error'
  /** HTTP 400/401/403/404/422: the key, model or base URL is wrong; retrying cannot help. */
  | 'config_error'
  /** Any other HTTP status. */
  | 'http_error'
  /** Anything else the primary threw: a bug, not the provider's fault. */
  | 'unexpected_error';

/** Why a result came from the fallback: a failure of the primary, or the breaker skipping it. */
export type FallbackReason = FailureReason | 'circuit_open';

export class IntentFailure extends Error {
  override readonly name = 'IntentFailure';

  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isIntentFailure(error: unknown): error is IntentFailure {
  return error instanceof IntentFailure;
}
