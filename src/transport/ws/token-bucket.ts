import { type Clock, systemClock } from '../../util/clock';

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Each message takes one; an empty bucket means
 * the client is sending faster than allowed. Lazy refill on each take: no timers per connection.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock.monotonic();
  }

  take(): boolean {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
