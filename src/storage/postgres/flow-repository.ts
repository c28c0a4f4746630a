import type { Pool } from 'pg';
import type { Flow } from '../../flow/types';
import { BotNotFoundError } from '../sqlite/flow-repository';
import { DEFAULT_BOT, type FlowVersionRecord, type FlowVersionSummary } from '../records';
import type { FlowRepository, FlowUpload, FlowVersionInput, StorageEvents } from '../repositories';
import type { PgGuard } from './errors';
import { inTransaction } from './transaction';

interface FlowVersionRow {
  version: number;
  name: string;
  source: string;
  created_at: string;
  current: boolean;
}

const SELECT_VERSION = `
  SELECT v.version, v.name, v.source, v.created_at, v.version IS NOT DISTINCT FROM b.current_version AS current
  FROM flow_versions v JOIN bots b ON b.id = v.bot_id`;

function toSummary(row: Omit<FlowVersionRow, 'source'>): FlowVersionSummary {
  return { version: row.version, name: row.name, createdAt: row.created_at, current: row.current };
}

function toRecord(row: FlowVersionRow): FlowVersionRecord {
  return { ...toSummary(row), source: row.source, flow: JSON.parse(row.source) as Flow };
}

/** One bot's versions on PostgreSQL. */
export class PgFlowRepository implements FlowRepository {
  constructor(
    private readonly pool: Pool,
    private readonly guard: PgGuard,
    private readonly events: StorageEvents,
    readonly bot: string = DEFAULT_BOT,
  ) {}

  async create(input: FlowVersionInput): Promise<FlowVersionRecord> {
    return (await this.store(input, false)).record;
  }

  createUnlessCurrent(input: FlowVersionInput): Promise<FlowUpload> {
    return this.store(input, true);
  }

  private async store(input: FlowVersionInput, unlessCurrent: boolean): Promise<FlowUpload> {
    JSON.parse(input.source);
    const activate = input.activate ?? true;
    const upload = await this.guard.write('flows.create', () =>
      inTransaction(this.pool, async (client): Promise<FlowUpload> => {
        // The bot's row lock serialises uploads to one bot across instances: max + 1 cannot be taken
        // twice, and the current version read next is the one the upload would follow.
        const bot = await client.query('SELECT id FROM bots WHERE id = $1 FOR UPDATE', [this.bot]);
        if (bot.rowCount === 0) throw new BotNotFoundError(this.bot);
        if (unlessCurrent) {
          const current = await client.query<FlowVersionRow>(`${SELECT_VERSION} WHERE b.id = $1 AND v.version = b.current_version`, [
            this.bot,
          ]);
          const row = current.rows[0];
          if (row?.source === input.source) return { record: toRecord(row), created: false };
        }
        const inserted = await client.query<{ version: number }>(
          `INSERT INTO flow_versions (bot_id, version, name, source, created_at)
           SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM flow_versions WHERE bot_id = $1
           RETURNING version`,
          [this.bot, input.flow.name, input.source, input.createdAt],
        );
        const version = inserted.rows[0]?.version;
        if (version === undefined) throw new Error('flow version insert returned no row');
        if (activate) await client.query('UPDATE bots SET current_version = $1 WHERE id = $2', [version, this.bot]);
        const { rows } = await client.query<FlowVersionRow>(`${SELECT_VERSION} WHERE v.bot_id = $1 AND v.version = $2`, [
          this.bot,
          version,
        ]);
        const row = rows[0];
        if (!row) throw new Error(`flow version ${version} vanished after insert`);
        return { record: toRecord(row), created: true };
      }),
    );
    // After the commit, outside any transaction: the others compile it ahead.
    if (upload.created) {
      this.events
        .publish({ type: 'flow_changed', bot: this.bot, change: 'uploaded', version: upload.record.version })
        .catch(() => undefined);
    }
    return upload;
  }

  async current(): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.current', async () => {
      const { rows } = await this.pool.query<FlowVersionRow>(`${SELECT_VERSION} WHERE b.id = $1 AND v.version = b.current_version`, [
        this.bot,
      ]);
      return rows[0] && toRecord(rows[0]);
    });
  }

  async currentVersion(): Promise<number | undefined> {
    return this.guard.read('flows.currentVersion', async () => {
      const { rows } = await this.pool.query<{ version: number | null }>('SELECT current_version AS version FROM bots WHERE id = $1', [
        this.bot,
      ]);
      return rows[0]?.version ?? undefined;
    });
  }

  async get(version: number): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.get', async () => {
      const { rows } = await this.pool.query<FlowVersionRow>(`${SELECT_VERSION} WHERE v.bot_id = $1 AND v.version = $2`, [
        this.bot,
        version,
      ]);
      return rows[0] && toRecord(rows[0]);
    });
  }

  async list(): Promise<FlowVersionSummary[]> {
    return this.guard.read('flows.list', async () => {
      const { rows } = await this.pool.query<Omit<FlowVersionRow, 'source'>>(
        `SELECT v.version, v.name, v.created_at, v.version IS NOT DISTINCT FROM b.current_version AS current
         FROM flow_versions v JOIN bots b ON b.id = v.bot_id WHERE v.bot_id = $1 ORDER BY v.version DESC`,
        [this.bot],
      );
      return rows.map(toSummary);
    });
  }

  async activate(version: number): Promise<boolean> {
    const activated = await this.guard.write('flows.activate', async () => {
      const result = await this.pool.query(
        `UPDATE bots SET current_version = $1
         WHERE id = $2 AND EXISTS (SELECT 1 FROM flow_versions WHERE bot_id = $2 AND version = $1)`,
        [version, this.bot],
      );
      return (result.rowCount ?? 0) > 0;
    });
    if (activated) this.events.publish({ type: 'flow_changed', bot: this.bot, change: 'activated', version }).catch(() => undefined);
    return activated;
  }
}
