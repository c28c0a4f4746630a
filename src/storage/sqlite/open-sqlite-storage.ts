import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import { DEFAULT_BOT } from '../records';
import { LocalStorageEvents } from '../local-events';
import type { BotRepository, ConversationRepository, FlowRepository, StatsRepository, Storage, StorageEvents } from '../repositories';
import { SqliteGuard, toStorageError } from './errors';
import { applyMigrations } from './migrations';
import { checkSqliteSchema } from './schema-check';
import { SqliteConversationRepository } from './conversation-repository';
import { SqliteBotRepository } from './bot-repository';
import { SqliteStatsRepository } from './stats-repository';
import { WalCheckpointer } from './wal-checkpointer';

export interface SqliteStorageOptions {
  /** File path, or `:memory:` for a private in-memory database (tests). */
  path: string;
  logger?: Pick<Logger, 'warn'>;
  /** Default: the system clock. */
  clock?: Clock;
}

const BUSY_TIMEOUT_MS = 5000;
/** How long an operational fault keeps the storage reported as not ready. */
const FAULT_WINDOW_MS = 10000;

function isMemory(file: string): boolean {
  // '' is SQLite's private temporary database; neither has a directory or a WAL.
  return file === ':memory:' || file === '';
}

/** One connection per process: better-sqlite3 is synchronous, so a pool would add nothing. */
class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  /** One process per database file: its signals stay in it. */
  readonly events: StorageEvents = new LocalStorageEvents();
  readonly flows: FlowRepository;
  readonly bots: BotRepository;
  readonly conversations: ConversationRepository;
  readonly stats: StatsRepository;
  private readonly conversationRepository: SqliteConversationRepository;
  private readonly probeStmt: Database.Statement<[string]>;
  private readonly guard: SqliteGuard;

  constructor(
    private readonly db: Database.Database,
    logger: Pick<Logger, 'warn'> | undefined,
    private readonly clock: Clock,
    /** Null for an in-memory database (no WAL). */
    private readonly checkpointer: WalCheckpointer | null,
  ) {
    // One guard for both repositories: a fault seen by either one counts for readiness.
    this.guard = new SqliteGuard(db, logger, clock);
    this.bots = new SqliteBotRepository(this.guard, this.events);
    this.flows = this.bots.flows(DEFAULT_BOT);
    this.conversationRepository = new SqliteConversationRepository(this.guard, this.events);
    this.conversations = this.conversationRepository;
    this.stats = new SqliteStatsRepository(this.guard);
    this.probeStmt = db.prepare('INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');
  }

  /** One process per database file: nothing else runs the job (but one run at a time in this process). */
  private readonly running = new Set<string>();

  async exclusive<T>(job: string, run: () => Promise<T>): Promise<T | undefined> {
    if (this.running.has(job)) return undefined;
    this.running.add(job);
    try {
      return await run();
    } finally {
      this.running.delete(job);
    }
  }

  /**
   * Ready means writable: a SELECT still answers on a read-only or full database while every upload
   * and turn fails, so the probe rewrites one row (a tiny transaction, cheap at health-check rates).
   */
  async ping(): Promise<boolean> {
    try {
      const probed = this.guard.read('ping', () => this.probeStmt.run(this.clock.now().toISOString()).changes === 1);
      return probed && !this.guard.hadRecentFault(FAULT_WINDOW_MS);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Idempotent: shutdown paths may call it more than once. Closing checkpoints the WAL.
    // Turns handed to appendTurn in this event-loop turn are committed, not dropped.
    if (this.db.open) {
      this.conversationRepository.flush();
      // The worker's connection first: the last connection to close checkpoints and removes the WAL.
      await this.checkpointer?.stop();
      if (this.db.open) this.db.close();
    }
  }
}

function configure(db: Database.Database, file: string, logger?: Pick<Logger, 'warn'>): void {
  if (!isMemory(file)) {
    // WAL: readers do not block the writer and a commit is one append to the log.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') logger?.warn({ path: file, journalMode: mode }, 'sqlite: WAL mode unavailable');
  }
  // Durability choice: in WAL mode, synchronous = NORMAL fsyncs only at checkpoints, not at every
  // commit. A committed transaction has still been written to the WAL file (the OS page cache)
  // before the call returns, so it survives the process being killed (kill -9, crash, OOM):
  // "Transactions are durable across application crashes regardless of the synchronous setting"
  // (sqlite.org/pragma.html#pragma_synchronous). What NORMAL gives up is the last few
  // transactions on power loss or OS crash; the database stays consistent either way. That is the
  // trade we want for one write per chat turn. Use FULL if power-loss durability is required.
  db.pragma('synchronous = NORMAL');
  // Off by default in SQLite, and cannot be changed inside a transaction: set it first.
  db.pragma('foreign_keys = ON');
  // Wait for another connection's write lock instead of failing with SQLITE_BUSY at once.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Temporary data in memory, not in temp files: a batch written again after one of its turns failed
  // gives each turn a SAVEPOINT, whose statement journal (the pages the turn changes, ~15) passes
  // SQLite's in-memory threshold and spilled to a temp file created, written and deleted per turn
  // (strace: 300 unlinks and 4.6x the pwrites over 9,600 turns, when every batch took savepoints).
  // What else SQLite keeps there (sorts, temp indexes) is small for these queries.
  db.pragma('temp_store = MEMORY');
}

/**
 * Opens (creating if needed) the SQLite database, applies pending migrations and returns the
 * Storage. Throws SchemaTooNewError for a database written by a newer flowbot, storage_unavailable
 * when the file cannot be opened or written, and the file system's error when its folder cannot be
 * created; `explainOpenFailure` turns any of them into a sentence for the operator. Nothing is
 * logged here: the caller reports the failure once, in its own words.
 */
export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  const file = options.path;
  if (!isMemory(file)) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    configure(db, file, options.logger);
    applyMigrations(db);
    checkSqliteSchema(db);
    const opened = db;
    let checkpointer: WalCheckpointer | null = null;
    if (!isMemory(file) && db.pragma('journal_mode', { simple: true }) === 'wal') {
      // Checkpoints run in a worker (see wal-checkpointer.ts); back to SQLite's own if it dies.
      db.pragma('wal_autocheckpoint = 0');
      checkpointer = new WalCheckpointer(path.resolve(file), BUSY_TIMEOUT_MS, options.logger, () => {
        if (opened.open) opened.pragma('wal_autocheckpoint = 1000');
      });
    }
    return new SqliteStorage(db, options.logger, options.clock ?? systemClock, checkpointer);
  } catch (error) {
    // Do not leak the handle (and its file lock) when startup fails.
    if (db?.open) db.close();
    // Covers the constructor too (SQLITE_CANTOPEN), not just configuration and migrations.
    throw toStorageError(error, `open ${file}`);
  }
}
