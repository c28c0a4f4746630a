import { createHash } from 'node:crypto';
import { Client, type ClientConfig, type Notification, type Pool } from 'pg';
import type { Logger } from '../../util/logger';
import { LocalStorageEvents, parseStorageEvent } from '../local-events';
import type { StorageEvent, StorageEvents } from '../repositories';

/** The NOTIFY channel of flowbot's signals. */
export const EVENTS_CHANNEL = 'flowbot_events';

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;
/**
 * How often the listening connection is asked a `SELECT 1`, and how long the answer may take: a
 * connection that died without a word (a host gone, a partition) would otherwise be noticed only
 * when TCP keepalive gives up, and every signal meanwhile would be lost without a resync.
 */
const HEARTBEAT_MS = 15000;
const HEARTBEAT_TIMEOUT_MS = 5000;

/**
 * The advisory lock that marks an INSTANCE_ID as taken while its listener is connected: a bigint from
 * its hash (the bigint key space is apart from the (class, key) one of jobs and migrations). The exact
 * id, not the application name seen in pg_stat_activity, which PostgreSQL cuts at 63 bytes.
 */
function instanceLockKey(instanceId: string): string {
  return createHash('sha256').update(`flowbot instance ${instanceId}`).digest().readBigInt64BE(0).toString();
}

/**
 * Signals between instances through LISTEN/NOTIFY. Listening takes one dedicated connection (a pooled
 * one would lose its LISTEN when handed back), reconnected with backoff whenever it drops (a server
 * restart, pg_terminate_backend); once it listens again, `onResync` listeners are told, since what was
 * sent meanwhile is lost. Publishing is a `pg_notify` on its own pooled connection, in no transaction of
 * the caller's: a NOTIFY in a transaction takes a database-wide lock at commit, so it never rides along
 * with a turn's write.
 */
export class PgStorageEvents implements StorageEvents {
  private readonly local = new LocalStorageEvents();
  private client: Client | undefined;
  private stopped = false;
  private delayMs = RECONNECT_FIRST_MS;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Set once the first LISTEN succeeded: later ones are reconnections, which call for a resync. */
  private listenedBefore = false;
  private readyWaiters: Array<() => void> = [];

  constructor(
    private readonly pool: Pool,
    private readonly config: ClientConfig,
    private readonly logger?: Pick<Logger, 'warn' | 'info'>,
    /** INSTANCE_ID: held (an advisory lock) by the listener, so that a second instance with the same one is told. */
    private readonly instanceId?: string,
  ) {}

  /** Connects the listener; resolves once it listens (or rejects when the first attempt fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** True while the listening connection is up. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Resolves the next time the listener is (again) listening: for tests of reconnection. */
  whenListening(): Promise<void> {
    if (this.client) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** The backend process id of the listening connection (tests terminate it to prove reconnection). */
  async listenerPid(): Promise<number | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0]?.pid;
  }

  async publish(event: StorageEvent): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(event)]);
  }

  subscribe(listener: (event: StorageEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  onResync(listener: () => void): () => void {
    return this.local.onResync(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Two instances with one INSTANCE_ID work (conversations are fenced by epochs, not by names), but
   * logs, /health and each conversation's owner no longer tell them apart: warned, not refused, since
   * a restarted instance may find its previous run's connection not yet closed by the server.
   */
  private async holdInstanceId(client: Client, instanceId: string): Promise<void> {
    const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS held', [
      instanceLockKey(instanceId),
    ]);
    if (rows[0]?.held === true) return;
    this.logger?.warn(
      { instance: instanceId, code: 'instance_id_in_use' },
      `INSTANCE_ID=${instanceId} is in use by another flowbot instance on this database (or by this instance's previous ` +
        'connection, not yet closed by the server after a crash or a network cut): give each instance its own INSTANCE_ID, ' +
        'so that logs, /health and the owner of each conversation tell them apart',
    );
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    const lost = (err?: Error): void => {
      if (this.client !== client) return;
      this.client = undefined;
      clearInterval(this.heartbeat);
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger?.warn({ err }, 'postgres: the signal listener lost its connection; reconnecting');
      this.reconnectLater();
    };
    // An error on an idle client is emitted, not thrown: without a listener it would end the process.
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message: Notification) => {
      if (message.channel !== EVENTS_CHANNEL || message.payload === undefined) return;
      const event = parseStorageEvent(message.payload);
      if (event) this.local.deliver(event);
    });
    try {
      await client.connect();
      // Before LISTEN: pg_stat_activity then shows the listener by its last statement, as before.
      if (this.instanceId !== undefined) await this.holdInstanceId(client, this.instanceId);
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delayMs = RECONNECT_FIRST_MS;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the listening connection did not answer a heartbeat')), HEARTBEAT_TIMEOUT_MS);
      });
      Promise.race([client.query('SELECT 1'), timeout])
        .catch((err: unknown) => lost(err instanceof Error ? err : new Error(String(err))))
        .finally(() => clearTimeout(timer));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    if (this.listenedBefore) {
      this.logger?.info({ channel: EVENTS_CHANNEL }, 'postgres: the signal listener is back; resynchronising');
      this.local.resync();
    }
    this.listenedBefore = true;
  }

  private reconnectLater(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.logger?.warn({ err, retryInMs: this.delayMs }, 'postgres: the signal listener cannot reconnect yet');
        this.delayMs = Math.min(RECONNECT_MAX_MS, this.delayMs * 2);
        this.reconnectLater();
      });
    }, this.delayMs);
    this.timer.unref();
  }
}
