import type { IntentDetector, IntentRequest, IntentResult } from '../detector';
import { abortError, raceAbort } from './abort';
import { AnswerCache, type AnswerCacheOptions } from './answer-cache';
import { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker';
import { startDeadline } from './deadline';
import { isIntentFailure, type FailureReason, type FallbackReason } from './intent-failure';
import { silentLogger, type IntentLogger } from './logger';

/**
 * Puts a remote primary detector (OpenAI) in front of the local classifier so that a user always
 * gets an answer in bounded time:
 *
 *   caller aborted?  -> reject, nobody is listening (no fallback)
 *   cache hit        -> the primary's earlier answer
 *   breaker open     -> fallback at once, fallbackReason 'circuit_open'
 *   primary          -> within `timeoutMs`, retries included
 *   primary failed   -> fallback, fallbackReason = the failure's reason
 *   fallback failed  -> reject (FallbackFailedError)
 */

export const DEFAULT_INTENT_TIMEOUT_MS = 8000;

export interface ResilientIntentDetectorOptions {
  /** The remote detector; its `model` is reported by status(). */
  primary: IntentDetector & { readonly model: string };
  /** Answers when the primary cannot; in production the local classifier. */
  fallback: IntentDetector;
  /** Deadline of one primary detection, retries included (INTENT_TIMEOUT_MS). Default 8000. */
  timeoutMs?: number;
  breaker?: Pick<CircuitBreakerOptions, 'failureThreshold' | 'cooldownMs'>;
  /** Cache settings, or false to disable caching. */
  cache?: Pick<AnswerCacheOptions, 'maxEntries' | 'ttlMs'> | false;
  /** Clock for the breaker and the cache (not for the deadline, which uses real timers). */
  now?: () => number;
  logger?: IntentLogger;
}

export interface ResilientIntentStatus {
  provider: 'openai';
  model: string;
  breaker: BreakerState;
  consecutiveFailures: number;
  cacheSize: number;
}

/** Both the primary and the fallback failed: there is no answer to give. */
export class FallbackFailedError extends Error {
  override readonly name = 'FallbackFailedError';

  constructor(
    readonly primaryReason: FallbackReason,
    cause: unknown,
  ) {
    super(`Intent detection failed: primary unavailable (${primaryReason}) and the fallback failed`, { cause });
  }
}

type PrimaryOutcome = { ok: true; result: IntentResult } | { ok: false; reason: FailureReason };

export class ResilientIntentDetector implements IntentDetector {
  readonly name = 'openai';

  private readonly primary: IntentDetector & { readonly model: string };
  private readonly fallback: IntentDetector;
  private readonly timeoutMs: number;
  private readonly breaker: CircuitBreaker;
  private readonly cache: AnswerCache<IntentResult> | undefined;
  private readonly logger: IntentLogger;

  constructor(options: ResilientIntentDetectorOptions) {
    this.primary = options.primary;
    this.fallback = options.fallback;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_INTENT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.timeoutMs}`);
    this.logger = options.logger ?? silentLogger;
    const now = options.now ?? Date.now;
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      now,
      onStateChange: (state, failures) => this.logBreaker(state, failures),
    });
    this.cache = options.cache === false ? undefined : new AnswerCache<IntentResult>({ ...options.cache, now });
  }

  async detect(request: IntentRequest): Promise<IntentResult> {
    const callerSignal = request.signal;
    if (callerSignal?.aborted) throw abortError(callerSignal);

    const cached = this.cache?.get(request.cacheKey, request.text);
    if (cached !== undefined) return { ...cached };

    const ticket = this.breaker.tryAcquire();
    if (ticket === undefined) return this.askFallback(request, 'circuit_open');

    let outcome: PrimaryOutcome;
    try {
      outcome = await this.askPrimary(request);
    } catch (error) {
      // Only a caller abort escapes askPrimary: not the provider's fault, so not a failure.
      ticket.release();
      throw error;
    }
    if (!outcome.ok) {
      ticket.failure();
      return this.askFallback(request, outcome.reason);
    }
    ticket.success();
    this.cache?.set(request.cacheKey, request.text, outcome.result);
    return outcome.result;
  }

  status(): ResilientIntentStatus {
    return {
      provider: 'openai',
      model: this.primary.model,
      breaker: this.breaker.state,
      consecutiveFailures: this.breaker.consecutiveFailures,
      cacheSize: this.cache?.size ?? 0,
    };
  }

  /** Resolves with the primary's answer or the reason it has none; rejects only on a caller abort. */
  private async askPrimary(request: IntentRequest): Promise<PrimaryOutcome> {
    const callerSignal = request.signal;
    const deadline = startDeadline(this.timeoutMs, callerSignal);
    try {
      // The primary gets the combined signal so the HTTP request is cut when either fires; the race
      // makes the deadline hold even for a primary that ignores its signal.
      const result = await raceAbort(this.primary.detect({ ...request, signal: deadline.signal }), deadline.signal);
      return { ok: true, result };
    } catch (error) {
      if (callerSignal?.aborted) throw abortError(callerSignal);
      if (deadline.expired) return { ok: false, reason: 'timeout' };
      if (isIntentFailure(error)) return { ok: false, reason: error.reason };
      this.logger.error({ err: error }, 'Intent detection: the primary detector threw an unexpected error');
      return { ok: false, reason: 'unexpected_error' };
    } finally {
      deadline.dispose();
    }
  }

  private async askFallback(request: IntentRequest, reason: FallbackReason): Promise<IntentResult> {
    try {
      const result = await this.fallback.detect(request);
      return { ...result, fallbackReason: reason };
    } catch (error) {
      if (request.signal?.aborted) throw abortError(request.signal);
      throw new FallbackFailedError(reason, error);
    }
  }

  private logBreaker(state: BreakerState, consecutiveFailures: number): void {
    const context = { provider: 'openai', model: this.primary.model, breaker: state, consecutiveFailures };
    if (state === 'open') {
      this.logger.warn(context, 'OpenAI intent detection keeps failing: circuit open, the local classifier answers');
    } else if (state === 'closed') {
      this.logger.warn(context, 'OpenAI intent detection recovered: circuit closed');
    }
  }
}
