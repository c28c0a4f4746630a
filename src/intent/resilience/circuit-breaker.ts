import { type Clock, systemClock } from '../../util/clock';

/**
 * A small circuit breaker. While the provider keeps failing, asking it again only adds its deadline
 * to every user's wait; after `failureThreshold` consecutive failures the breaker opens and callers
 * skip the provider for `cooldownMs`. Then it lets exactly one trial call through (half-open): a
 * success closes it, a failure opens it for another cool-down.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before a trial call. Default 30 000 ms. */
  cooldownMs?: number;
  /** Its monotonic time measures the cool-down; injectable so tests need not wait. Default: the system clock. */
  clock?: Clock;
  /** Told about every state change (for logs). */
  onStateChange?: (state: BreakerState, consecutiveFailures: number) => void;
}

/** Permission to call the provider; report its outcome exactly once. */
export interface BreakerTicket {
  success(): void;
  failure(): void;
  /** The call was abandoned by its caller: neither a success nor a failure. */
  release(): void;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOLDOWN_MS = 30_000;

export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly clock: Clock;
  private readonly onStateChange: ((state: BreakerState, failures: number) => void) | undefined;

  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.clock = options.clock ?? systemClock;
    this.onStateChange = options.onStateChange;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${this.failureThreshold}`);
    }
    if (!(this.cooldownMs >= 0)) {
      throw new RangeError(`cooldownMs must be >= 0, got ${this.cooldownMs}`);
    }
  }

  /** The state as of now: an open breaker whose cool-down has passed reports half-open. */
  get state(): BreakerState {
    if (this.current === 'open' && this.clock.monotonic() - this.openedAt >= this.cooldownMs) {
      this.transition('half-open');
    }
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * A ticket when the provider may be called now, or undefined when it must be skipped (open, or
   * half-open with the single trial call already in flight).
   */
  tryAcquire(): BreakerTicket | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      if (this.trialInFlight) return undefined;
      this.trialInFlight = true;
      return this.ticket(true);
    }
    return this.ticket(false);
  }

  private ticket(isTrial: boolean): BreakerTicket {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (isTrial) this.trialInFlight = false;
      outcome();
    };
    return {
      success: () => settle(() => this.onSuccess()),
      failure: () => settle(() => this.onFailure(isTrial)),
      release: () => settle(() => undefined),
    };
  }

  private onSuccess(): void {
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  private onFailure(isTrial: boolean): void {
    this.failures += 1;
    // A failed trial re-opens at once; so does reaching the threshold while closed. A call that was
    // admitted while closed but fails after the breaker opened only adds to the count.
    if (isTrial || (this.current === 'closed' && this.failures >= this.failureThreshold)) {
      this.openedAt = this.clock.monotonic();
      this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    this.current = state;
    this.onStateChange?.(state, this.failures);
  }
}
