import Database from 'better-sqlite3';
import { errors } from '../../errors';

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
function isSqliteError(error: unknown): error is SqliteError {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string';
}

export function isOperationalFault(error: unknown): error is SqliteError {
  return isSqliteError(error) && OPERATIONAL_CODES.has(primaryCode(error.code));
}

export interface FaultLogger {
  warn(obj: object, msg?: string): void;
}

/** Maps an operational SQLite fault to storage_unavailable; returns anything else unchanged. */
export function toStorageError(error: unknown, operation: string, logger?: FaultLogger): unknown {
  if (!isOperationalFault(error)) return error;
  logger?.warn({ err: error, code: error.code, operation }, 'sqlite storage fault');
  return errors.storageUnavailable(`storage unavailable during ${operation}: ${error.code}: ${error.message}`, error);
}

/**
 * Runs one synchronous storage operation, turning operational SQLite faults into
 * storage_unavailable. Nothing is remembered between calls: a fault that has cleared
 * (file writable again, lock released) simply stops happening on the next call.
 */
export function guard<T>(db: Database.Database, operation: string, fn: () => T, logger?: FaultLogger): T {
  // better-sqlite3 throws a bare TypeError on a closed handle; during shutdown in-flight requests
  // should see "unavailable" (503), not an internal error.
  if (!db.open) throw errors.storageUnavailable(`storage is closed (${operation})`);
  try {
    return fn();
  } catch (error) {
    if (isOperationalFault(error)) lastFaultAt.set(db, Date.now());
    throw toStorageError(error, operation, logger);
  }
}

/** Like guard, for operations that write: a success shows the storage takes writes again. */
export function guardWrite<T>(db: Database.Database, operation: string, fn: () => T, logger?: FaultLogger): T {
  const result = guard(db, operation, fn, logger);
  lastFaultAt.delete(db);
  return result;
}

/** When each database last had an operational fault that no write has succeeded since. */
const lastFaultAt = new WeakMap<Database.Database, number>();

/**
 * True when an operation on `db` hit an operational fault in the last `windowMs` and no real write
 * has succeeded since. A probe write can succeed while real writes fail (a full disk still rewrites a
 * page in place), so readiness also looks at what real operations just saw; the window lets it
 * recover on its own when no traffic comes to prove the fault gone.
 */
export function hadRecentFault(db: Database.Database, windowMs: number): boolean {
  const at = lastFaultAt.get(db);
  return at !== undefined && Date.now() - at < windowMs;
}
