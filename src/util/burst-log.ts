import { type Clock, systemClock } from './clock';
import type { Logger } from './logger';

export interface BurstSummary {
  /** Occurrences counted since the last line. */
  count: number;
  /** The same, per kind. */
  byKind: Record<string, number>;
  /** Milliseconds since the last line. */
  sinceMs: number;
}

export interface BurstLogOptions {
  logger: Pick<Logger, 'warn'>;
  /** At most one line per window (plus one summary when the window closes). */
  windowMs: number;
  /** The line that reports what was counted instead of logged. */
  summary: (summary: BurstSummary) => { fields: object; message: string };
  clock?: Clock;
}

/**
 * Logs a repeated problem without flooding the log: the first occurrence is logged at once, the ones
 * that follow within `windowMs` are only counted, and one summary line reports them when the window
 * closes. A problem that keeps happening therefore costs one line per window, however fast it comes,
 * and one that stops is still accounted for in full.
 */
export class BurstLog {
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly windowMs: number;
  private readonly summarise: BurstLogOptions['summary'];
  private readonly clock: Clock;
  /** Monotonic ms of the last line written; undefined before the first. */
  private lastLineAt: number | undefined;
  private counted = 0;
  private byKind: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(options: BurstLogOptions) {
    this.logger = options.logger;
    this.windowMs = options.windowMs;
    this.summarise = options.summary;
    this.clock = options.clock ?? systemClock;
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${this.windowMs}`);
  }

  /** One occurrence: logged now when nothing was logged in the last window, else counted for the summary. */
  report(kind: string, fields: object, message: string): void {
    const now = this.clock.monotonic();
    if (this.lastLineAt === undefined || now - this.lastLineAt >= this.windowMs) {
      // The timer may not have fired yet (a busy loop, a test clock): account for the old window first.
      this.flush();
      this.lastLineAt = now;
      this.logger.warn(fields, message);
      return;
    }
    this.counted += 1;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.lastLineAt + this.windowMs - now));
    // A pending summary must not keep the process alive; close() writes it on shutdown.
    this.timer.unref();
  }

  /** Writes the summary of what was counted, if anything; the next window starts now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.counted === 0) return;
    const now = this.clock.monotonic();
    const { fields, message } = this.summarise({
      count: this.counted,
      byKind: this.byKind,
      sinceMs: Math.round(now - (this.lastLineAt ?? now)),
    });
    this.counted = 0;
    this.byKind = {};
    this.lastLineAt = now;
    this.logger.warn(fields, message);
  }

  /** Flushes and stops the timer (shutdown). */
  close(): void {
    this.flush();
  }
}
