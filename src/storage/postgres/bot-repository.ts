import type { Pool } from 'pg';
import type { BotRecord } from '../records';
import type { BotDeletion, BotRepository, FlowRepository, StorageEvents } from '../repositories';
import { BOT_COLUMNS, type BotRow, toBot } from '../rows';
import type { PgGuard } from './errors';
import { PgFlowRepository } from './flow-repository';
import { inTransaction } from './transaction';

export class PgBotRepository implements BotRepository {
  constructor(
    private readonly pool: Pool,
    private readonly guard: PgGuard,
    private readonly events: StorageEvents,
  ) {}

  async create(input: { id: string; name: string; createdAt: string }): Promise<boolean> {
    return this.guard.write('bots.create', async () => {
      const result = await this.pool.query('INSERT INTO bots (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        input.id,
        input.name,
        input.createdAt,
      ]);
      return result.rowCount === 1;
    });
  }

  async get(id: string): Promise<BotRecord | undefined> {
    return this.guard.read('bots.get', async () => {
      const { rows } = await this.pool.query<BotRow>(`SELECT ${BOT_COLUMNS} FROM bots WHERE id = $1`, [id]);
      return rows[0] && toBot(rows[0]);
    });
  }

  async list(): Promise<BotRecord[]> {
    return this.guard.read('bots.list', async () => {
      const { rows } = await this.pool.query<BotRow>(
        `SELECT ${BOT_COLUMNS} FROM bots ORDER BY CASE WHEN id = 'default' THEN 0 ELSE 1 END, id`,
      );
      return rows.map(toBot);
    });
  }

  async delete(id: string): Promise<BotDeletion> {
    const outcome = await this.guard.write('bots.delete', () =>
      inTransaction(this.pool, async (client): Promise<BotDeletion> => {
        // The bot's row lock: no conversation of it can be created (that reads the row) until this commits.
        const bot = await client.query('SELECT id FROM bots WHERE id = $1 FOR UPDATE', [id]);
        if (bot.rowCount === 0) return 'missing';
        const active = await client.query("SELECT 1 FROM conversations WHERE bot_id = $1 AND status = 'active' LIMIT 1", [id]);
        if ((active.rowCount ?? 0) > 0) return 'active_conversations';
        await client.query('DELETE FROM bots WHERE id = $1', [id]);
        return 'deleted';
      }),
    );
    if (outcome === 'deleted') this.events.publish({ type: 'flow_changed', bot: id, change: 'deleted' }).catch(() => undefined);
    return outcome;
  }

  flows(bot: string): FlowRepository {
    return new PgFlowRepository(this.pool, this.guard, this.events, bot);
  }
}
