import type { HttpCallOutput } from '../runtime/http-call';
import type { HttpErrorCode } from '../runtime/http-requester';
import { BurstLog } from '../util/burst-log';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

/** What /health says of http blocks' calls since the process started. */
export interface OutboundReport {
  calls: number;
  failures: number;
  /** Failures by `httpError`; only codes that happened. */
  failuresByError: Partial<Record<HttpErrorCode, number>>;
}

/**
 * Counts the calls of http blocks and their failures, for /health, and logs failures without flooding
 * the log when a service is down (one line per minute, then a summary). What is logged is what the
 * history stores: the method, the URL with secrets masked, the status and the error.
 */
export class OutboundCalls {
  private calls = 0;
  private failures = 0;
  private readonly byError: Partial<Record<HttpErrorCode, number>> = {};
  private readonly log: BurstLog;

  constructor(logger: Pick<Logger, 'warn'>, clock?: Clock) {
    this.log = new BurstLog({
      logger,
      windowMs: 60_000,
      ...(clock ? { clock } : {}),
      summary: ({ count, byKind, sinceMs }) => ({
        fields: { count, byError: byKind, sinceMs },
        message: `${count} more http block call(s) failed`,
      }),
    });
  }

  readonly record = (call: HttpCallOutput): void => {
    this.calls += 1;
    if (call.ok || call.error === undefined) return;
    this.failures += 1;
    this.byError[call.error] = (this.byError[call.error] ?? 0) + 1;
    this.log.report(
      call.error,
      {
        method: call.method,
        url: call.url,
        status: call.status ?? null,
        httpError: call.error,
        reason: call.detail ?? null,
        latencyMs: call.latencyMs,
      },
      `an http block call failed: ${call.error}`,
    );
  };

  report(): OutboundReport {
    return { calls: this.calls, failures: this.failures, failuresByError: { ...this.byError } };
  }

  close(): void {
    this.log.close();
  }
}
