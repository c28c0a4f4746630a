/**
 * The one clock, injected wherever time is read so that tests control it. Two kinds of time, never
 * mixed: wall time for what is stored and shown, monotonic time for durations, time-outs and rates
 * (wall time can jump when the system clock is set; a duration measured on it can be negative).
 */
export interface Clock {
  /** Wall-clock time: timestamps that are stored, compared with stored ones, or shown. */
  now(): Date;
  /** Milliseconds from an arbitrary origin that never goes back: durations, time-outs, rates, TTLs. */
  monotonic(): number;
}

export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
  monotonic: () => performance.now(),
});
