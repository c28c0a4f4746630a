import type { TimerHost } from '../runtime/actor-clock';

interface Scheduled {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * Timers on a clock that only moves when a test says so: a `silence` step of a minute takes no real
 * time. The conversation's silence is an XState delayed (`after`) transition scheduled on the actor's
 * clock, so the same machine runs here as in the server, only its clock differs.
 */
export class VirtualTimers implements TimerHost {
  private nowMs = 0;
  private sequence = 0;
  private readonly scheduled = new Map<number, Scheduled>();

  /** Milliseconds since the test began. */
  get now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.sequence;
    this.scheduled.set(id, { id, due: this.nowMs + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /**
   * Moves the clock `ms` on, firing each timer that comes due in order of its due time; `afterEach`
   * runs after each one (the test lets the turn it started finish before time moves on).
   */
  async advance(ms: number, afterEach: () => Promise<void>): Promise<void> {
    const until = this.nowMs + ms;
    for (;;) {
      let next: Scheduled | undefined;
      for (const timer of this.scheduled.values()) {
        if (timer.due <= until && (next === undefined || timer.due < next.due)) next = timer;
      }
      if (next === undefined) break;
      this.scheduled.delete(next.id);
      this.nowMs = next.due;
      next.fn();
      await afterEach();
    }
    this.nowMs = until;
  }
}
