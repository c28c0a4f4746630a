import { CircuitBreaker, type BreakerState } from '../../../src/intent/resilience/circuit-breaker';
import { FakeClock } from './fakes';

function failTimes(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) breaker.tryAcquire()?.failure();
}

describe('CircuitBreaker', () => {
  let clock: FakeClock;
  let changes: BreakerState[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    clock = new FakeClock();
    changes = [];
    breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 30_000,
      clock,
      onStateChange: (state) => changes.push(state),
    });
  });

  it('stays closed below the threshold, and a success resets the count', () => {
    failTimes(breaker, 2);
    expect(breaker.consecutiveFailures).toBe(2);
    breaker.tryAcquire()?.success();
    expect(breaker.consecutiveFailures).toBe(0);
    failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('opens after N consecutive failures and refuses calls during the cool-down', () => {
    failTimes(breaker, 3);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
    clock.advance(29_999);
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(changes).toEqual(['open']);
  });

  it('lets one trial through after the cool-down; success closes', () => {
    failTimes(breaker, 3);
    clock.advance(30_000);
    expect(breaker.state).toBe('half-open');
    const trial = breaker.tryAcquire();
    expect(trial).toBeDefined();
    expect(breaker.tryAcquire()).toBeUndefined(); // only one trial at a time
    trial?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(0);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens for a full cool-down when the trial fails', () => {
    failTimes(breaker, 3);
    clock.advance(30_000);
    breaker.tryAcquire()?.failure();
    expect(breaker.state).toBe('open');
    clock.advance(29_999);
    expect(breaker.tryAcquire()).toBeUndefined();
    clock.advance(1);
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('frees the trial slot when the trial is released (caller abort)', () => {
    failTimes(breaker, 3);
    clock.advance(30_000);
    breaker.tryAcquire()?.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('counts a ticket only once', () => {
    const ticket = breaker.tryAcquire();
    ticket?.failure();
    ticket?.failure();
    ticket?.success();
    expect(breaker.consecutiveFailures).toBe(1);
  });

  it('rejects nonsense settings', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(RangeError);
  });
});
