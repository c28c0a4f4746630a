export {
  ResilientIntentDetector,
  FallbackFailedError,
  DEFAULT_INTENT_TIMEOUT_MS,
  DEFAULT_FAILURE_LOG_WINDOW_MS,
} from './resilient-intent-detector';
export type { ResilientIntentDetectorOptions, ResilientIntentStatus } from './resilient-intent-detector';
export { CircuitBreaker, DEFAULT_COOLDOWN_MS, DEFAULT_FAILURE_THRESHOLD } from './circuit-breaker';
export type { BreakerState, BreakerTicket, CircuitBreakerOptions } from './circuit-breaker';
export { AnswerCache, normaliseText, DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_TTL_MS } from './answer-cache';
export type { AnswerCacheOptions } from './answer-cache';
export { IntentFailure, isIntentFailure } from './intent-failure';
export type { FailureReason, FallbackReason } from './intent-failure';
export { isAbortError } from './abort';
