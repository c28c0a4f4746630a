import { errors } from '../../errors';
import { type Clock, systemClock } from '../../util/clock';
import type { Logger } from '../../util/logger';

/**
 * SQLSTATE classes of faults in the environment, not in the data or the code: they clear on their own
 * (the server comes back, a lock is released, a statement is retried), so callers answer 503 and the
 * client retries. Constraint violations and SQL errors are deliberately absent (bugs, not "try again").
 */
const OPERATIONAL_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources (too many connections, disk full)
  '57', // operator intervention: statement timeout (57014), server shutting down or starting (57P01-57P03)
  '58', // system error (I/O)
  'XX', // internal error of the server
]);
const OPERATIONAL_CODES = new Set([
  '40001', // serialization failure
  '40P01', // deadlock detected
  '55P03', // lock not available
  '25006', // read-only transaction (a standby after a failover)
]);

/** Node's socket errors and pg's own messages when there is no server to talk to. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|ECONN|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/i;

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isPgOperationalFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const state = sqlState(error);
  if (state !== undefined) return OPERATIONAL_CODES.has(state) || OPERATIONAL_CLASSES.has(state.slice(0, 2));
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/** Maps an operational fault to storage_unavailable; returns anything else unchanged. */
export function toPgStorageError(error: unknown, operation: string, logger?: Pick<Logger, 'warn'>): unknown {
  if (!isPgOperationalFault(error)) return error;
  const raw = (error as { code?: unknown }).code;
  const code = sqlState(error) ?? (typeof raw === 'string' ? raw : '');
  const message = error instanceof Error ? error.message : 'unknown error';
  logger?.warn({ err: error, code, operation }, 'postgres storage fault');
  return errors.storageUnavailable(`storage unavailable during ${operation}: ${code} ${message}`.replace('  ', ' '), error);
}

/** Runs operations, mapping operational faults and remembering the last one for readiness (as SqliteGuard does). */
export class PgGuard {
  private lastFaultAt: number | undefined;
  closed = false;

  constructor(
    private readonly logger?: Pick<Logger, 'warn'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw errors.storageUnavailable(`storage is closed (${operation})`);
    try {
      return await fn();
    } catch (error) {
      if (isPgOperationalFault(error)) this.lastFaultAt = this.clock.monotonic();
      throw this.toStorageError(error, operation);
    }
  }

  async write<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const result = await this.read(operation, fn);
    this.lastFaultAt = undefined;
    return result;
  }

  toStorageError(error: unknown, operation: string): unknown {
    return toPgStorageError(error, operation, this.logger);
  }

  hadRecentFault(windowMs: number): boolean {
    return this.lastFaultAt !== undefined && this.clock.monotonic() - this.lastFaultAt < windowMs;
  }
}
