import type { Pool } from 'pg';
import { errors } from '../../errors';
import { turnWithoutNul } from '../nul';
import {
  type ConversationFilter,
  type ConversationRecord,
  DEFAULT_BOT,
  type MessageRecord,
  type Page,
  type StepRecord,
  type TurnWrite,
} from '../records';
import type { ConversationClaim, ConversationRepository, CreatedConversation, StorageEvent, StorageEvents } from '../repositories';
import { MAX_PAGE_SIZE } from '../sqlite/conversation-repository';
import { decodeCursor, encodeCursor } from '../sqlite/cursor';
import { ConversationNotFoundError } from '../sqlite/errors';
import {
  type ClaimRow,
  CONVERSATION_COLUMNS,
  type ConversationRow,
  STEP_COLUMNS,
  type StepRow,
  toClaim,
  toConversation,
  toStep,
} from '../rows';
import type { PgGuard } from './errors';
import { TurnBatcher } from './turn-batcher';

const ENDED_BEFORE = "status IN ('completed', 'abandoned') AND updated_at < $1";

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
}

/** Conversations on PostgreSQL: turns are written in batches (TurnBatcher), everything else one statement each. */
export class PgConversationRepository implements ConversationRepository {
  private readonly batcher: TurnBatcher;

  constructor(
    private readonly pool: Pool,
    private readonly guard: PgGuard,
    private readonly events: StorageEvents,
    maxBatches: number,
  ) {
    this.batcher = new TurnBatcher(pool, guard, maxBatches);
  }

  /** Resolves once every turn handed over so far is settled (for close). */
  drain(): Promise<void> {
    return this.batcher.settled();
  }

  async create(input: {
    id: string;
    bot?: string;
    flowVersion?: number;
    createdAt: string;
    owner?: string;
  }): Promise<CreatedConversation | undefined> {
    return this.guard.write('conversations.create', async () => {
      // The current version is read in this statement; FOR KEY SHARE waits for a bot's deletion in flight.
      const { rows } = await this.pool.query<{ flow_version: number; epoch: number }>(
        `INSERT INTO conversations (id, bot_id, flow_version, created_at, updated_at, owner, epoch)
         SELECT $1, b.id, COALESCE($2::integer, b.current_version), $3, $3, $4, 1 FROM bots b
         WHERE b.id = $5 AND COALESCE($2::integer, b.current_version) IS NOT NULL
         FOR KEY SHARE OF b
         RETURNING flow_version, epoch`,
        [input.id, input.flowVersion ?? null, input.createdAt, input.owner ?? null, input.bot ?? DEFAULT_BOT],
      );
      const row = rows[0];
      return row && { flowVersion: row.flow_version, epoch: row.epoch };
    });
  }

  async claim(id: string, owner: string): Promise<ConversationClaim | undefined> {
    await this.batcher.settled(id);
    // The UPDATE waits for the row lock of a turn another instance is committing: its answer is the
    // state after that turn, or that turn is refused (its epoch is gone).
    const claim = await this.guard.write('conversations.claim', async () => {
      const { rows } = await this.pool.query<ClaimRow>(
        `UPDATE conversations SET owner = $2, epoch = epoch + 1 WHERE id = $1 AND status = 'active'
         RETURNING ${CONVERSATION_COLUMNS}, epoch, snapshot`,
        [id, owner],
      );
      const row = rows[0];
      return row && toClaim(row);
    });
    if (claim) this.publish({ type: 'conversation_claimed', conversationId: id, owner, epoch: claim.epoch });
    return claim;
  }

  async epochs(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    await this.batcher.settled();
    return this.guard.read('conversations.epochs', async () => {
      const { rows } = await this.pool.query<{ id: string; epoch: number }>(
        'SELECT id, epoch FROM conversations WHERE id = ANY($1::text[])',
        [[...ids]],
      );
      return new Map(rows.map((row) => [row.id, row.epoch]));
    });
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    await this.batcher.settled(id);
    return this.guard.read('conversations.get', async () => {
      const { rows } = await this.pool.query<ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`, [id]);
      return rows[0] && toConversation(rows[0]);
    });
  }

  async list(query: { limit: number; cursor?: string } & ConversationFilter): Promise<Page<ConversationRecord>> {
    checkLimit(query.limit);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    await this.batcher.settled();
    return this.guard.read('conversations.list', async () => {
      const conditions: string[] = [];
      const parameters: Array<string | number> = [];
      if (query.bot !== undefined) conditions.push(`bot_id = $${parameters.push(query.bot)}`);
      if (query.status !== undefined) conditions.push(`status = $${parameters.push(query.status)}`);
      if (after) conditions.push(`(created_at, id) < ($${parameters.push(after.createdAt)}, $${parameters.push(after.id)})`);
      const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
      const limit = `$${parameters.push(query.limit + 1)}`;
      const { rows } = await this.pool.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
        parameters,
      );
      const items = rows.slice(0, query.limit).map(toConversation);
      const last = items[items.length - 1];
      const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  async messages(id: string): Promise<MessageRecord[]> {
    await this.batcher.settled(id);
    return this.guard.read('conversations.messages', async () => {
      const { rows } = await this.pool.query<{ sender: MessageRecord['from']; text: string; block_id: string; at: string }>(
        'SELECT sender, text, block_id, at FROM messages WHERE conversation_id = $1 ORDER BY seq',
        [id],
      );
      return rows.map((row) => ({ from: row.sender, text: row.text, blockId: row.block_id, at: row.at }));
    });
  }

  async steps(id: string): Promise<StepRecord[]> {
    await this.batcher.settled(id);
    return this.guard.read('conversations.steps', async () => {
      const { rows } = await this.pool.query<StepRow>(`SELECT ${STEP_COLUMNS} FROM steps WHERE conversation_id = $1 ORDER BY seq`, [id]);
      return rows.map(toStep);
    });
  }

  async snapshot(id: string): Promise<unknown> {
    await this.batcher.settled(id);
    return this.guard.read('conversations.snapshot', async () => {
      const { rows } = await this.pool.query<{ snapshot: string | null }>('SELECT snapshot FROM conversations WHERE id = $1', [id]);
      const text = rows[0]?.snapshot;
      return text === undefined || text === null ? undefined : (JSON.parse(text) as unknown);
    });
  }

  appendTurn(turn: TurnWrite): Promise<void> {
    if (this.guard.closed) return Promise.reject(errors.storageUnavailable('storage is closed (conversations.appendTurn)'));
    return this.batcher.append(turnWithoutNul(turn));
  }

  async abandonIdle(before: string): Promise<number> {
    await this.batcher.settled();
    return this.guard.write('conversations.abandonIdle', async () => {
      const result = await this.pool.query("UPDATE conversations SET status = 'abandoned' WHERE status = 'active' AND updated_at < $1", [
        before,
      ]);
      return result.rowCount ?? 0;
    });
  }

  async hasActive(bot: string): Promise<boolean> {
    await this.batcher.settled();
    return this.guard.read('conversations.hasActive', async () => {
      const result = await this.pool.query("SELECT 1 FROM conversations WHERE bot_id = $1 AND status = 'active' LIMIT 1", [bot]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async erase(id: string): Promise<boolean> {
    await this.batcher.settled(id);
    const erased = await this.guard.write('conversations.erase', async () => {
      const result = await this.pool.query('DELETE FROM conversations WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    });
    if (erased) this.publish({ type: 'conversation_erased', conversationId: id });
    return erased;
  }

  async eraseEnded(query: { before: string; limit: number; bot?: string }): Promise<number> {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError(`limit must be a positive integer, got ${query.limit}`);
    await this.batcher.settled();
    return this.guard.write('conversations.eraseEnded', async () => {
      const result =
        query.bot === undefined
          ? await this.pool.query(
              `DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE ${ENDED_BEFORE} ORDER BY updated_at LIMIT $2)`,
              [query.before, query.limit],
            )
          : await this.pool.query(
              `DELETE FROM conversations WHERE id IN
                 (SELECT id FROM conversations WHERE bot_id = $3 AND ${ENDED_BEFORE} ORDER BY updated_at LIMIT $2)`,
              [query.before, query.limit, query.bot],
            );
      return result.rowCount ?? 0;
    });
  }

  private publish(event: StorageEvent): void {
    this.events.publish(event).catch(() => undefined);
  }
}

export { ConversationNotFoundError };
