import type { Clock } from '../../src/util/clock';

/** A clock the test moves by hand: both kinds of time advance together, and only when told. */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 1_000_000;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.wall = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.wall);
  }

  monotonic(): number {
    return this.mono;
  }

  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}
