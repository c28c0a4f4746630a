import { createHash } from 'node:crypto';
import { type ClientConfig, Pool } from 'pg';
import { type Clock, systemClock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import { DEFAULT_BOT } from '../records';
import type { BotRepository, ConversationRepository, FlowRepository, StatsRepository, Storage } from '../repositories';
import { PgBotRepository } from './bot-repository';
import { PgConversationRepository } from './conversation-repository';
import { PgGuard, toPgStorageError } from './errors';
import { applyPgMigrations, LOCK_CLASS } from './migrations';
import { PgStorageEvents } from './pg-events';
import { checkPgSchema } from './schema-check';
import { PgStatsRepository } from './stats-repository';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Pooled connections for statements; the signal listener takes one more. Default 10. */
  poolSize?: number;
  /** The longest a statement may run before the server cancels it. Default 10 s. */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** INSTANCE_ID: a second instance with the same one logs a warning at start (see PgStorageEvents). */
  instanceId?: string;
  logger?: Pick<Logger, 'warn' | 'info'>;
  clock?: Clock;
}

/** As SQLite: how long an operational fault keeps the storage reported as not ready. */
const FAULT_WINDOW_MS = 10000;
/** How long to wait for a connection, from the pool or a new one, before a request fails (503). */
const CONNECT_TIMEOUT_MS = 5000;

/** The advisory lock key of a job: a stable 31-bit hash of its name. */
function jobLockKey(job: string): number {
  return createHash('sha256').update(job).digest().readUInt32BE(0) & 0x7fffffff;
}

export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly flows: FlowRepository;
  readonly bots: BotRepository;
  readonly conversations: ConversationRepository;
  readonly stats: StatsRepository;
  private readonly conversationRepository: PgConversationRepository;
  private closed = false;

  constructor(
    readonly pool: Pool,
    readonly events: PgStorageEvents,
    private readonly guard: PgGuard,
    private readonly clock: Clock,
    maxBatches: number,
  ) {
    this.bots = new PgBotRepository(pool, guard, events);
    this.flows = this.bots.flows(DEFAULT_BOT);
    this.conversationRepository = new PgConversationRepository(pool, guard, events, maxBatches);
    this.conversations = this.conversationRepository;
    this.stats = new PgStatsRepository(pool, guard);
  }

  /**
   * A session-level advisory lock, tried (never waited for) on a connection held for the job: released
   * when the job ends, or by the server when that connection dies with the instance.
   */
  async exclusive<T>(job: string, run: () => Promise<T>): Promise<T | undefined> {
    const client = await this.guard.read(`lock ${job}`, () => this.pool.connect());
    let broken: Error | undefined;
    try {
      const key = jobLockKey(job);
      const { rows } = await this.guard.read(`lock ${job}`, () =>
        client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_CLASS, key]),
      );
      if (!rows[0]?.locked) return undefined;
      try {
        return await run();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]).catch((err: unknown) => {
          broken = err instanceof Error ? err : new Error(String(err));
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      const probed = await this.guard.read('ping', async () => {
        const result = await this.pool.query(
          'INSERT INTO health_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
          [this.clock.now().toISOString()],
        );
        return result.rowCount === 1;
      });
      return probed && !this.guard.hadRecentFault(FAULT_WINDOW_MS);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Turns handed over are committed (or fail) before the connections go.
    await this.conversationRepository.drain();
    this.guard.closed = true;
    await this.events.stop();
    await this.pool.end();
  }
}

/**
 * Connects to PostgreSQL, applies pending migrations (once, whoever starts first), starts the signal
 * listener and returns the Storage. Throws storage_unavailable when the server cannot be reached,
 * SchemaTooNewError for a database written by a newer flowbot, and SchemaDamagedError for one whose
 * tables were changed by hand.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const poolSize = options.poolSize ?? 10;
  const config: ClientConfig = {
    connectionString: options.url,
    statement_timeout: options.statementTimeoutMs ?? 10000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // pg_stat_activity shows it (63 bytes at most): the listener's name says it is the listener.
    application_name: (options.applicationName ?? 'flowbot').slice(0, 54),
    // Dead peers (a server gone without a FIN) are noticed instead of hanging a connection forever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10000,
  };
  const pool = new Pool({ ...config, max: poolSize, idleTimeoutMillis: 30000 });
  // An idle pooled connection that the server drops emits here; the pool discards it and opens a new
  // one on demand (how a database restart is survived). Without this handler it would end the process.
  pool.on('error', (err) => options.logger?.warn({ err }, 'postgres: an idle connection failed'));
  const events = new PgStorageEvents(
    pool,
    { ...config, application_name: `${config.application_name ?? 'flowbot'} listener` },
    options.logger,
    options.instanceId,
  );
  try {
    const client = await pool.connect();
    try {
      await applyPgMigrations(client);
      await checkPgSchema(client);
    } finally {
      client.release();
    }
    await events.start();
  } catch (error) {
    await events.stop();
    await pool.end().catch(() => undefined);
    throw toPgStorageError(error, 'open the PostgreSQL database');
  }
  const guard = new PgGuard(options.logger, options.clock ?? systemClock);
  // Keep a connection or two free for reads, claims and probes while turns are being written.
  const maxBatches = Math.max(1, Math.min(4, poolSize - 2));
  return new PostgresStorage(pool, events, guard, options.clock ?? systemClock, maxBatches);
}
