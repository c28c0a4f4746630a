import type Database from 'better-sqlite3';
import { errors } from '../../errors';
import { type Clock, systemClock } from '../../util/clock';
import type { Logger } from '../../util/logger';

/** `appendTurn` for a conversation id that does not exist. A caller bug, not a storage fault. */
export class ConversationNotFoundError extends Error {
  readonly code = 'conversation_not_found';
  constructor(readonly conversationId: string) {
    super(`conversation ${JSON.stringify(conversationId)} does not exist`);
    this.name = 'ConversationNotFoundError';
  }
}

/**
 * Primary result codes of faults in the environment rather than in the data or the code: they can
 * clear on their own (lock released, disk freed, permissions fixed), so callers should answer 503
 * and retry later. Constraint violations, SQL errors and corruption are deliberately absent: they
 * are bugs or need a human, and must not be disguised as "try again".
 */
const OPERATIONAL_CODES = new Set([
  'SQLITE_BUSY', // another connection holds the lock past busy_timeout
  'SQLITE_READONLY', // file or directory not writable, read-only connection
  'SQLITE_FULL', // disk (or max_page_count) full
  'SQLITE_IOERR', // I/O error from the OS
  'SQLITE_CANTOPEN', // file or journal cannot be opened
  'SQLITE_PROTOCOL', // WAL lock race, transient
]);

/** Extended codes look like `SQLITE_IOERR_WRITE`; classify them by their primary code. */
function primaryCode(code: string): string {
  const match = /^SQLITE_[A-Z]+/.exec(code);
  return match ? match[0] : code;
}

type SqliteError = InstanceType<typeof Database.SqliteError>;

/**
 * Recognised by shape, not `instanceof`: better-sqlite3's native addon is initialised once per process
 * with the SqliteError class of the first module registry that loads it. Under jest every test file has
 * its own registry (and its own `Error` realm), so errors from the addon can fail both
 * `instanceof SqliteError` and `instanceof Error` in later files. The shape is the stable API.
 */
export function isSqliteError(error: unknown): error is SqliteError {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string';
}

export function isOperationalFault(error: unknown): error is SqliteError {
  return isSqliteError(error) && OPERATIONAL_CODES.has(primaryCode(error.code));
}

/** Maps an operational SQLite fault to storage_unavailable; returns anything else unchanged. */
export function toStorageError(error: unknown, operation: string, logger?: Pick<Logger, 'warn'>): unknown {
  if (!isOperationalFault(error)) return error;
  logger?.warn({ err: error, code: error.code, operation }, 'sqlite storage fault');
  return errors.storageUnavailable(`storage unavailable during ${operation}: ${error.code}: ${error.message}`, error);
}

/**
 * Runs the synchronous operations on one connection, turning operational SQLite faults into
 * storage_unavailable, and remembers the last fault for readiness. Nothing else is remembered between
 * calls: a fault that has cleared (file writable again, lock released) simply stops happening.
 */
export class SqliteGuard {
  /** Monotonic ms of the last operational fault that no write has succeeded since. */
  private lastFaultAt: number | undefined;

  constructor(
    readonly db: Database.Database,
    private readonly logger?: Pick<Logger, 'warn'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Runs a read (or a write whose success proves nothing, such as a probe). */
  read<T>(operation: string, fn: () => T): T {
    // better-sqlite3 throws a bare TypeError on a closed handle; during shutdown in-flight requests
    // should see "unavailable" (503), not an internal error.
    if (!this.db.open) throw errors.storageUnavailable(`storage is closed (${operation})`);
    try {
      return fn();
    } catch (error) {
      if (isOperationalFault(error)) this.lastFaultAt = this.clock.monotonic();
      throw this.toStorageError(error, operation);
    }
  }

  /** Like read, for operations that write: a success shows the storage takes writes again. */
  write<T>(operation: string, fn: () => T): T {
    const result = this.read(operation, fn);
    this.lastFaultAt = undefined;
    return result;
  }

  toStorageError(error: unknown, operation: string): unknown {
    return toStorageError(error, operation, this.logger);
  }

  /**
   * True when an operation hit an operational fault in the last `windowMs` and no real write has
   * succeeded since. A probe write can succeed while real writes fail (a full disk still rewrites a
   * page in place), so readiness also looks at what real operations just saw; the window lets it
   * recover on its own when no traffic comes to prove the fault gone.
   */
  hadRecentFault(windowMs: number): boolean {
    return this.lastFaultAt !== undefined && this.clock.monotonic() - this.lastFaultAt < windowMs;
  }
}
