import type Database from 'better-sqlite3';
import type { BotRecord } from '../records';
import type { BotDeletion, BotRepository, FlowRepository, StorageEvents } from '../repositories';
import { BOT_COLUMNS, type BotRow, toBot } from '../rows';
import type { SqliteGuard } from './errors';
import { FlowStatements, SqliteFlowRepository } from './flow-repository';

export class SqliteBotRepository implements BotRepository {
  private readonly flowStatements: FlowStatements;
  private readonly insertStmt: Database.Statement<[string, string, string]>;
  private readonly getStmt: Database.Statement<[string], BotRow>;
  private readonly listStmt: Database.Statement<[], BotRow>;
  private readonly activeStmt: Database.Statement<[string], { found: number }>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly deleteTx: Database.Transaction<(id: string) => BotDeletion>;

  constructor(
    private readonly guard: SqliteGuard,
    private readonly events?: StorageEvents,
  ) {
    const { db } = guard;
    this.flowStatements = new FlowStatements(db);
    this.insertStmt = db.prepare('INSERT INTO bots (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.getStmt = db.prepare(`SELECT ${BOT_COLUMNS} FROM bots WHERE id = ?`);
    this.listStmt = db.prepare(`SELECT ${BOT_COLUMNS} FROM bots ORDER BY CASE WHEN id = 'default' THEN 0 ELSE 1 END, id`);
    this.activeStmt = db.prepare("SELECT 1 AS found FROM conversations WHERE bot_id = ? AND status = 'active' LIMIT 1");
    // Cascades to the versions, and from them to the conversations, their messages and steps.
    this.deleteStmt = db.prepare('DELETE FROM bots WHERE id = ?');
    this.deleteTx = db.transaction((id: string): BotDeletion => {
      if (!this.getStmt.get(id)) return 'missing';
      if (this.activeStmt.get(id)) return 'active_conversations';
      this.deleteStmt.run(id);
      return 'deleted';
    });
  }

  async create(input: { id: string; name: string; createdAt: string }): Promise<boolean> {
    return this.guard.write('bots.create', () => this.insertStmt.run(input.id, input.name, input.createdAt).changes === 1);
  }

  async get(id: string): Promise<BotRecord | undefined> {
    return this.guard.read('bots.get', () => {
      const row = this.getStmt.get(id);
      return row && toBot(row);
    });
  }

  async list(): Promise<BotRecord[]> {
    return this.guard.read('bots.list', () => this.listStmt.all().map(toBot));
  }

  async delete(id: string): Promise<BotDeletion> {
    const outcome = this.guard.write('bots.delete', () => this.deleteTx.immediate(id));
    if (outcome === 'deleted') this.events?.publish({ type: 'flow_changed', bot: id, change: 'deleted' }).catch(() => undefined);
    return outcome;
  }

  flows(bot: string): FlowRepository {
    return new SqliteFlowRepository(this.guard, bot, this.flowStatements, this.events);
  }
}
