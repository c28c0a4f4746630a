import { DEFAULT_INTENT_TIMEOUT_MS } from '../../config/limits';
import { BurstLog } from '../../util/burst-log';
import { type Clock, systemClock } from '../../util/clock';
import { silentLogger, type Logger } from '../../util/logger';
import type { IntentDetector, IntentRequest, IntentResult } from '../detector';
import { raceAbort } from './abort';
import { AnswerCache, type AnswerCacheOptions } from './answer-cache';
import { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker';
import { startDeadline } from './deadline';
import { isIntentFailure, type FailureReason, type FallbackReason } from './intent-failure';

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

export { DEFAULT_INTENT_TIMEOUT_MS };
/** Fallbacks after the first one are summarised in one log line per window. */
export const DEFAULT_FAILURE_LOG_WINDOW_MS = 60_000;

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
  /** Clock for the breaker, the cache and the failure log (not for the deadline, which uses real timers). */
  clock?: Clock;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** How often, at most, fallbacks are summarised in the log. Default 60 s. */
  failureLogWindowMs?: number;
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

type PrimaryOutcome = { ok: true; result: IntentResult } | { ok: false; reason: FailureReason; message: string };

export class ResilientIntentDetector implements IntentDetector {
  readonly name = 'openai';

  private readonly primary: IntentDetector & { readonly model: string };
  private readonly fallback: IntentDetector;
  private readonly timeoutMs: number;
  private readonly breaker: CircuitBreaker;
  private readonly cache: AnswerCache<IntentResult> | undefined;
  private readonly logger: Pick<Logger, 'warn' | 'error'>;
  /**
   * Every fallback, rate-limited: a broken address or key would otherwise be silent until the breaker
   * opens (5 turns of retries), and once it is open every turn would add a line.
   */
  private readonly fallbacks: BurstLog;

  constructor(options: ResilientIntentDetectorOptions) {
    this.primary = options.primary;
    this.fallback = options.fallback;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_INTENT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.timeoutMs}`);
    this.logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      clock,
      onStateChange: (state, failures) => this.logBreaker(state, failures),
    });
    this.cache = options.cache === false ? undefined : new AnswerCache<IntentResult>({ ...options.cache, clock });
    const windowMs = options.failureLogWindowMs ?? DEFAULT_FAILURE_LOG_WINDOW_MS;
    this.fallbacks = new BurstLog({
      logger: this.logger,
      windowMs,
      clock,
      summary: ({ count, byKind, sinceMs }) => ({
        fields: { ...this.context(), fallbacks: count, reasons: byKind, sinceSeconds: Math.round(sinceMs / 1000) },
        message:
          `OpenAI intent detection: ${count} more time(s) the local classifier answered instead in the last ` +
          `${Math.round(sinceMs / 1000)} s (${Object.entries(byKind)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(', ')}); summarised at most every ${Math.round(windowMs / 1000)} s`,
      }),
    });
  }

  async detect(request: IntentRequest): Promise<IntentResult> {
    request.signal?.throwIfAborted();

    const cached = this.cache?.get(request.cacheKey, request.text);
    if (cached !== undefined) return { ...cached };

    const ticket = this.breaker.tryAcquire();
    if (ticket === undefined) {
      this.reportFallback('circuit_open', 'the circuit breaker is open');
      return this.askFallback(request, 'circuit_open');
    }

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
      this.reportFallback(outcome.reason, outcome.message);
      return this.askFallback(request, outcome.reason);
    }
    ticket.success();
    this.cache?.set(request.cacheKey, request.text, outcome.result);
    return outcome.result;
  }

  /** Writes the summary of fallbacks not yet logged (shutdown). */
  close(): void {
    this.fallbacks.close();
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
      const result = await raceAbort(this.primary.detect({ ...request, signal: deadline.signal, deadline }), deadline.signal);
      return { ok: true, result };
    } catch (error) {
      callerSignal?.throwIfAborted();
      if (deadline.expired) return { ok: false, reason: 'timeout', message: `no answer within ${this.timeoutMs} ms` };
      if (isIntentFailure(error)) return { ok: false, reason: error.reason, message: error.message };
      this.logger.error({ err: error }, 'Intent detection: the primary detector threw an unexpected error');
      return { ok: false, reason: 'unexpected_error', message: error instanceof Error ? error.message : String(error) };
    } finally {
      deadline.dispose();
    }
  }

  private async askFallback(request: IntentRequest, reason: FallbackReason): Promise<IntentResult> {
    try {
      const result = await this.fallback.detect(request);
      return { ...result, fallbackReason: reason };
    } catch (error) {
      request.signal?.throwIfAborted();
      throw new FallbackFailedError(reason, error);
    }
  }

  private context(): Record<string, unknown> {
    return {
      provider: 'openai',
      model: this.primary.model,
      breaker: this.breaker.state,
      consecutiveFailures: this.breaker.consecutiveFailures,
    };
  }

  private reportFallback(reason: FallbackReason, message: string): void {
    this.fallbacks.report(
      reason,
      { ...this.context(), reason, error: message },
      reason === 'circuit_open'
        ? 'OpenAI intent detection skipped: the circuit breaker is open, the local classifier answered instead'
        : `OpenAI intent detection failed (${reason}: ${message}); the local classifier answered instead`,
    );
  }

  /** Every change of the breaker, each one line: at most two per cool-down, so no rate limit is needed. */
  private logBreaker(state: BreakerState, consecutiveFailures: number): void {
    const context = { provider: 'openai', model: this.primary.model, breaker: state, consecutiveFailures };
    if (state === 'open') {
      this.logger.warn(
        context,
        'OpenAI intent detection keeps failing: circuit open, the local classifier answers until a trial request succeeds',
      );
    } else if (state === 'half-open') {
      this.logger.warn(context, 'OpenAI intent detection: circuit half-open, the next detection tries OpenAI again');
    } else {
      this.logger.warn(context, 'OpenAI intent detection recovered: circuit closed');
    }
  }
}
