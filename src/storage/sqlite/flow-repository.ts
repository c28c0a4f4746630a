import type Database from 'better-sqlite3';
import type { Flow } from '../../flow/types';
import { DEFAULT_BOT, type FlowVersionRecord, type FlowVersionSummary } from '../records';
import type { FlowRepository, FlowUpload, FlowVersionInput, StorageEvents } from '../repositories';
import type { SqliteGuard } from './errors';

interface FlowVersionRow {
  version: number;
  name: string;
  source: string;
  created_at: string;
  /** 0/1: SQLite has no boolean. */
  current: number;
}

type SummaryRow = Omit<FlowVersionRow, 'source'>;

// `current` is computed by joining the bot's row, which holds its current version.
const SELECT_VERSION = `
  SELECT v.version, v.name, v.source, v.created_at, CASE WHEN v.version = b.current_version THEN 1 ELSE 0 END AS current
  FROM flow_versions v JOIN bots b ON b.id = v.bot_id`;

function toSummary(row: SummaryRow): FlowVersionSummary {
  return { version: row.version, name: row.name, createdAt: row.created_at, current: row.current === 1 };
}

function toRecord(row: FlowVersionRow): FlowVersionRecord {
  // The source was checked to be JSON on the way in; it is the single stored form of the flow.
  return { ...toSummary(row), source: row.source, flow: JSON.parse(row.source) as Flow };
}

/** The statements of every bot's versions, prepared once per connection (not once per bot). */
export class FlowStatements {
  readonly insert: Database.Statement<[string, string, string, string, string], { version: number }>;
  readonly setCurrent: Database.Statement<[number, string, string, number]>;
  readonly current: Database.Statement<[string], FlowVersionRow>;
  readonly currentVersion: Database.Statement<[string], { version: number | null }>;
  readonly get: Database.Statement<[string, number], FlowVersionRow>;
  readonly list: Database.Statement<[string], SummaryRow>;
  readonly createTx: Database.Transaction<
    (
      bot: string,
      name: string,
      source: string,
      createdAt: string,
      activate: boolean,
      unlessCurrent: boolean,
    ) => { version: number; created: boolean } | undefined
  >;

  constructor(db: Database.Database) {
    // max + 1 computed inside the INSERT and the transaction, so concurrent writers cannot collide;
    // selecting through bots makes an upload to a bot that does not exist insert nothing.
    this.insert = db.prepare(`
      INSERT INTO flow_versions (bot_id, version, name, source, created_at)
      SELECT b.id, (SELECT COALESCE(MAX(version), 0) + 1 FROM flow_versions WHERE bot_id = ?), ?, ?, ?
      FROM bots b WHERE b.id = ?
      RETURNING version`);
    // The EXISTS makes activating a missing version a no-op (0 changes).
    this.setCurrent = db.prepare(`
      UPDATE bots SET current_version = ?
      WHERE id = ? AND EXISTS (SELECT 1 FROM flow_versions WHERE bot_id = ? AND version = ?)`);
    this.current = db.prepare(`${SELECT_VERSION} WHERE b.id = ? AND v.version = b.current_version`);
    this.currentVersion = db.prepare('SELECT current_version AS version FROM bots WHERE id = ?');
    this.get = db.prepare(`${SELECT_VERSION} WHERE v.bot_id = ? AND v.version = ?`);
    this.list = db.prepare(`
      SELECT v.version, v.name, v.created_at, CASE WHEN v.version = b.current_version THEN 1 ELSE 0 END AS current
      FROM flow_versions v JOIN bots b ON b.id = v.bot_id
      WHERE v.bot_id = ?
      ORDER BY v.version DESC`);
    this.createTx = db.transaction(
      (bot: string, name: string, source: string, createdAt: string, activate: boolean, unlessCurrent: boolean) => {
        const current = unlessCurrent ? this.current.get(bot) : undefined;
        if (current?.source === source) return { version: current.version, created: false };
        const inserted = this.insert.get(bot, name, source, createdAt, bot);
        if (!inserted) return undefined;
        if (activate) this.setCurrent.run(inserted.version, bot, bot, inserted.version);
        return { version: inserted.version, created: true };
      },
    );
  }
}

/** No such bot: an upload to a bot deleted meanwhile. */
export class BotNotFoundError extends Error {
  readonly code = 'bot_not_found';
  constructor(readonly bot: string) {
    super(`bot ${JSON.stringify(bot)} does not exist`);
    this.name = 'BotNotFoundError';
  }
}

/** One bot's versions. Cheap to create when given the connection's statements (SqliteBotRepository does). */
export class SqliteFlowRepository implements FlowRepository {
  constructor(
    private readonly guard: SqliteGuard,
    readonly bot: string = DEFAULT_BOT,
    private readonly statements: FlowStatements = new FlowStatements(guard.db),
    private readonly events?: StorageEvents,
  ) {}

  async create(input: FlowVersionInput): Promise<FlowVersionRecord> {
    return (await this.createAndTell(input, false)).record;
  }

  createUnlessCurrent(input: FlowVersionInput): Promise<FlowUpload> {
    return this.createAndTell(input, true);
  }

  private async createOnly(input: FlowVersionInput, unlessCurrent: boolean): Promise<FlowUpload> {
    // Refuse a source that cannot be read back: every later get() would fail on it.
    JSON.parse(input.source);
    return this.guard.write('flows.create', () => {
      // IMMEDIATE: take the write lock up front; a deferred read-then-write transaction can
      // fail with SQLITE_BUSY_SNAPSHOT against another process instead of waiting.
      const stored = this.statements.createTx.immediate(
        this.bot,
        input.flow.name,
        input.source,
        input.createdAt,
        input.activate ?? true,
        unlessCurrent,
      );
      if (stored === undefined) throw new BotNotFoundError(this.bot);
      const row = this.statements.get.get(this.bot, stored.version);
      if (!row) throw new Error(`flow version ${stored.version} vanished after insert`);
      return { record: toRecord(row), created: stored.created };
    });
  }

  private async createAndTell(input: FlowVersionInput, unlessCurrent: boolean): Promise<FlowUpload> {
    const upload = await this.createOnly(input, unlessCurrent);
    if (upload.created) {
      this.events
        ?.publish({ type: 'flow_changed', bot: this.bot, change: 'uploaded', version: upload.record.version })
        .catch(() => undefined);
    }
    return upload;
  }

  async current(): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.current', () => {
      const row = this.statements.current.get(this.bot);
      return row && toRecord(row);
    });
  }

  async currentVersion(): Promise<number | undefined> {
    return this.guard.read('flows.currentVersion', () => this.statements.currentVersion.get(this.bot)?.version ?? undefined);
  }

  async get(version: number): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.get', () => {
      const row = this.statements.get.get(this.bot, version);
      return row && toRecord(row);
    });
  }

  async list(): Promise<FlowVersionSummary[]> {
    return this.guard.read('flows.list', () => this.statements.list.all(this.bot).map(toSummary));
  }

  async activate(version: number): Promise<boolean> {
    const activated = this.guard.write(
      'flows.activate',
      () => this.statements.setCurrent.run(version, this.bot, this.bot, version).changes > 0,
    );
    if (activated) this.events?.publish({ type: 'flow_changed', bot: this.bot, change: 'activated', version }).catch(() => undefined);
    return activated;
  }
}
