import { PAGE_LIMIT } from '../../config/limits';
import type Database from 'better-sqlite3';
import {
  type ConversationFilter,
  type ConversationRecord,
  DEFAULT_BOT,
  type MessageRecord,
  type Page,
  type StepRecord,
  type TurnWrite,
} from '../records';
import { errors } from '../../errors';
import {
  type ClaimRow,
  CONVERSATION_COLUMNS,
  type ConversationRow,
  STEP_COLUMNS,
  type StepRow,
  type StepValues,
  stepValues,
  toClaim,
  toConversation,
  toStep,
} from '../rows';
import { turnWithoutNul } from '../nul';
import type { ConversationClaim, ConversationRepository, CreatedConversation, StorageEvents } from '../repositories';
import { decodeCursor, encodeCursor } from './cursor';
import { type FenceRow, whyRefused } from '../fence';
import type { SqliteGuard } from './errors';

/** The largest page a caller may ask for: the API's own page limit. */
export const MAX_PAGE_SIZE = PAGE_LIMIT.max;

interface MessageRow {
  sender: MessageRecord['from'];
  text: string;
  block_id: string;
  at: string;
}

type MessageInsert = [conversationId: string, seq: number, sender: string, text: string, blockId: string, at: string];
type StepInsert = [conversationId: string, seq: number, ...values: StepValues];
type TurnUpdate = [
  status: string,
  variables: string,
  currentBlock: string | null,
  replaceSnapshot: number,
  snapshot: string | null,
  at: string,
  id: string,
  epoch: number | null,
  epochAgain: number | null,
  idleCutoff: string | null,
];
/** The same update for a turn that leaves status and current block as they are (see sameStateStmt). */
type SameStateUpdate = [
  variables: string,
  replaceSnapshot: number,
  snapshot: string | null,
  at: string,
  id: string,
  status: string,
  currentBlock: string | null,
  epoch: number | null,
  epochAgain: number | null,
  idleCutoff: string | null,
];
interface ConversationInsert {
  id: string;
  version: number | null;
  createdAt: string;
  owner: string | null;
  bot: string;
}

function toMessage(row: MessageRow): MessageRecord {
  return { from: row.sender, text: row.text, blockId: row.block_id, at: row.at };
}

/** JSON.stringify(undefined) is undefined; both null and undefined are stored as SQL NULL. */
function snapshotText(snapshot: unknown): string | null {
  return snapshot === null || snapshot === undefined ? null : JSON.stringify(snapshot);
}

/** How long a turn may wait for others to share its commit; its caller is answered after the commit. */
export const GROUP_COMMIT_WINDOW_MS = 1;

/** A turn waiting for the next group commit, with the caller's promise to settle. */
interface PendingTurn {
  turn: TurnWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Thrown out of a batch's transaction, to roll it back, when one of its turns failed part way. */
class TurnFailedInBatch extends Error {
  constructor(cause: unknown) {
    super('a turn of the batch failed', { cause });
  }
}

/** One list statement per filter shape and page (first or next), prepared when first used. */
type ListParameter = string | number;

function listSql(filter: ConversationFilter, next: boolean): string {
  const conditions: string[] = [];
  if (filter.bot !== undefined) conditions.push('bot_id = ?');
  if (filter.status !== undefined) conditions.push('status = ?');
  // Row-value comparison is a single range on the (..., created_at DESC, id DESC) index.
  if (next) conditions.push('(created_at, id) < (?, ?)');
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${CONVERSATION_COLUMNS} FROM conversations ${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
}

/** Completed and abandoned conversations whose last activity is older than the cutoff, oldest first. */
const ENDED_BEFORE = "status IN ('completed', 'abandoned') AND updated_at < ?";

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
}

export class SqliteConversationRepository implements ConversationRepository {
  // All statements are prepared once here: appendTurn runs on every chat turn.
  private readonly insertStmt: Database.Statement<[ConversationInsert], { flow_version: number; epoch: number }>;
  private readonly claimStmt: Database.Statement<[{ id: string; owner: string }], ClaimRow>;
  private readonly epochStmt: Database.Statement<[string], { epoch: number }>;
  private readonly fenceStmt: Database.Statement<[string], FenceRow>;
  private readonly getStmt: Database.Statement<[string], ConversationRow>;
  private readonly listStmts = new Map<string, Database.Statement<ListParameter[], ConversationRow>>();
  private readonly messagesStmt: Database.Statement<[string], MessageRow>;
  private readonly stepsStmt: Database.Statement<[string], StepRow>;
  private readonly snapshotStmt: Database.Statement<[string], { snapshot: string | null }>;
  private readonly updateStmt: Database.Statement<TurnUpdate>;
  private readonly sameStateStmt: Database.Statement<SameStateUpdate>;
  private readonly lastMessageSeqStmt: Database.Statement<[string], { seq: number }>;
  private readonly lastStepSeqStmt: Database.Statement<[string], { seq: number }>;
  private readonly insertMessageStmt: Database.Statement<MessageInsert>;
  private readonly insertStepStmt: Database.Statement<StepInsert>;
  private readonly abandonStmt: Database.Statement<[string]>;
  private readonly hasActiveStmt: Database.Statement<[string], { found: number }>;
  private readonly eraseStmt: Database.Statement<[string]>;
  private readonly eraseEndedStmt: Database.Statement<[string, number]>;
  private readonly eraseBotEndedStmt: Database.Statement<[string, string, number]>;
  private readonly appendTx: Database.Transaction<(turn: TurnWrite) => void>;
  private readonly batchTx: Database.Transaction<(batch: PendingTurn[], failures: Map<PendingTurn, unknown>) => void>;
  private readonly savepointBatchTx: Database.Transaction<(batch: PendingTurn[], failures: Map<PendingTurn, unknown>) => void>;
  /** Turns handed to appendTurn since the last commit; written together when the window closes. */
  private pending: PendingTurn[] = [];
  private flushScheduled = false;

  private readonly db: Database.Database;

  constructor(
    private readonly guard: SqliteGuard,
    private readonly events?: StorageEvents,
  ) {
    const db = guard.db;
    this.db = db;
    // The version is the bot's current one unless given, read in this statement; no row for a bot
    // without one (or a bot that does not exist).
    this.insertStmt = db.prepare(`
      INSERT INTO conversations (id, bot_id, flow_version, created_at, updated_at, owner, epoch)
      SELECT @id, b.id, COALESCE(@version, b.current_version), @createdAt, @createdAt, @owner, 1 FROM bots b
      WHERE b.id = @bot AND COALESCE(@version, b.current_version) IS NOT NULL
      RETURNING flow_version, epoch`);
    this.claimStmt = db.prepare(`
      UPDATE conversations SET owner = @owner, epoch = epoch + 1 WHERE id = @id AND status = 'active'
      RETURNING ${CONVERSATION_COLUMNS}, epoch, snapshot`);
    this.epochStmt = db.prepare('SELECT epoch FROM conversations WHERE id = ?');
    this.fenceStmt = db.prepare('SELECT epoch, status FROM conversations WHERE id = ?');
    this.getStmt = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`);
    this.messagesStmt = db.prepare('SELECT sender, text, block_id, at FROM messages WHERE conversation_id = ? ORDER BY seq');
    this.stepsStmt = db.prepare(`SELECT ${STEP_COLUMNS} FROM steps WHERE conversation_id = ? ORDER BY seq`);
    this.snapshotStmt = db.prepare('SELECT snapshot FROM conversations WHERE id = ?');
    const fenced = "(? IS NULL OR (epoch = ? AND (status = 'active' OR (status = 'abandoned' AND updated_at >= ?))))";
    this.updateStmt = db.prepare(
      `UPDATE conversations SET status = ?, variables = ?, current_block = ?,
              snapshot = CASE WHEN ? THEN ? ELSE snapshot END, updated_at = ?
       WHERE id = ? AND ${fenced}`,
    );
    // Most turns leave status and current block as they were (a wait answered and come back to).
    // SQLite rewrites every index over a column the SET names, whether or not its value changes:
    // naming status and current_block rewrote three more indexes of conversations per turn (7.9
    // against 2.8 WAL pages for a turn committed alone). This one names neither and only matches
    // when both already hold the turn's values; otherwise updateStmt runs.
    this.sameStateStmt = db.prepare(
      `UPDATE conversations SET variables = ?, snapshot = CASE WHEN ? THEN ? ELSE snapshot END, updated_at = ?
       WHERE id = ? AND status = ? AND current_block IS ? AND ${fenced}`,
    );
    // MAX over the primary key is a single index seek.
    this.lastMessageSeqStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM messages WHERE conversation_id = ?');
    this.lastStepSeqStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM steps WHERE conversation_id = ?');
    this.insertMessageStmt = db.prepare(
      'INSERT INTO messages (conversation_id, seq, sender, text, block_id, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertStepStmt = db.prepare(
      `INSERT INTO steps (conversation_id, seq, ${STEP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Leaves updated_at alone: it keeps meaning "last activity", which is what made it idle.
    this.abandonStmt = db.prepare("UPDATE conversations SET status = 'abandoned' WHERE status = 'active' AND updated_at < ?");
    this.hasActiveStmt = db.prepare("SELECT 1 AS found FROM conversations WHERE bot_id = ? AND status = 'active' LIMIT 1");
    // Messages and steps go with their conversation (ON DELETE CASCADE).
    this.eraseStmt = db.prepare('DELETE FROM conversations WHERE id = ?');
    // A bounded batch: the subquery walks the (status, updated_at) index and stops at the limit.
    this.eraseEndedStmt = db.prepare(
      `DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE ${ENDED_BEFORE} ORDER BY updated_at LIMIT ?)`,
    );
    this.eraseBotEndedStmt = db.prepare(
      `DELETE FROM conversations WHERE id IN
         (SELECT id FROM conversations WHERE bot_id = ? AND ${ENDED_BEFORE} ORDER BY updated_at LIMIT ?)`,
    );
    this.appendTx = db.transaction((turn: TurnWrite) => {
      const refused = this.writeTurn(turn);
      if (refused) throw refused;
    });
    // Group commit: the turns of a batch share one commit. A refused turn (the fence) has written
    // nothing, so it is set aside and the rest go on. Any other failure may come after some of its
    // turn's rows: the whole transaction is rolled back and the batch written again, each turn in a
    // savepoint of its own, so that the failing turn leaves no trace and does not take the others
    // down. Savepoints cost ~5 µs a turn (in-process, 17 turns per commit), paid only after such a failure.
    this.batchTx = db.transaction((batch: PendingTurn[], failures: Map<PendingTurn, unknown>) => {
      for (const item of batch) {
        let refused: Error | undefined;
        try {
          refused = this.writeTurn(item.turn);
        } catch (error) {
          throw new TurnFailedInBatch(error);
        }
        if (refused) failures.set(item, refused);
      }
    });
    this.savepointBatchTx = db.transaction((batch: PendingTurn[], failures: Map<PendingTurn, unknown>) => {
      for (const item of batch) {
        try {
          // appendTx nested in a transaction is a SAVEPOINT.
          this.appendTx(item.turn);
        } catch (error) {
          // SQLite rolled the whole transaction back (e.g. some I/O errors): nothing of the batch stays.
          if (!db.inTransaction) throw error;
          failures.set(item, error);
        }
      }
    });
  }

  /**
   * Writes every pending turn now. Called GROUP_COMMIT_WINDOW_MS after the first of them arrived,
   * and before any read, so that reads always see the turns whose appendTurn was called before them.
   */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (batch.length === 1) {
      const only = batch[0] as PendingTurn;
      try {
        this.guard.write('conversations.appendTurn', () => this.appendTx.immediate(only.turn));
        only.resolve();
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let failures = new Map<PendingTurn, unknown>();
    try {
      this.guard.write('conversations.appendTurn', () => {
        try {
          this.batchTx.immediate(batch, failures);
        } catch (error) {
          // A failure outside the turns (BEGIN, COMMIT) fails the batch as it is.
          if (!(error instanceof TurnFailedInBatch)) throw error;
          // Rolled back, nothing of the batch stored: again, one savepoint per turn (see batchTx).
          failures = new Map();
          this.savepointBatchTx.immediate(batch, failures);
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      if (failures.has(item)) item.reject(this.guard.toStorageError(failures.get(item), 'conversations.appendTurn'));
      else item.resolve();
    }
  }

  /** Writes the turn's rows; or, when the fence refuses it (or the conversation is gone), writes nothing and returns why. */
  private writeTurn(unchecked: TurnWrite): Error | undefined {
    const turn = turnWithoutNul(unchecked);
    const id = turn.conversationId;
    const epoch = turn.epoch ?? null;
    const idleCutoff = turn.idleCutoff ?? null;
    const variables = JSON.stringify(turn.variables);
    const replaceSnapshot = turn.snapshot === undefined ? 0 : 1;
    const snapshot = snapshotText(turn.snapshot);
    // Update first: it both writes the row and tells us whether the conversation exists.
    const updated =
      this.sameStateStmt.run(variables, replaceSnapshot, snapshot, turn.at, id, turn.status, turn.currentBlock, epoch, epoch, idleCutoff)
        .changes === 1 ||
      this.updateStmt.run(turn.status, variables, turn.currentBlock, replaceSnapshot, snapshot, turn.at, id, epoch, epoch, idleCutoff)
        .changes === 1;
    // Fenced (another owner's epoch, or no longer active), or gone.
    if (!updated) return whyRefused(turn, this.fenceStmt.get(id));
    let messageSeq = this.lastMessageSeqStmt.get(id)?.seq ?? 0;
    for (const message of turn.messages) {
      this.insertMessageStmt.run(id, ++messageSeq, message.from, message.text, message.blockId, message.at);
    }
    let stepSeq = this.lastStepSeqStmt.get(id)?.seq ?? 0;
    for (const step of turn.steps) {
      this.insertStepStmt.run(id, ++stepSeq, ...stepValues(step));
    }
  }

  async create(input: {
    id: string;
    bot?: string;
    flowVersion?: number;
    createdAt: string;
    owner?: string;
  }): Promise<CreatedConversation | undefined> {
    return this.guard.write('conversations.create', () => {
      const row = this.insertStmt.get({
        id: input.id,
        version: input.flowVersion ?? null,
        createdAt: input.createdAt,
        owner: input.owner ?? null,
        bot: input.bot ?? DEFAULT_BOT,
      });
      return row && { flowVersion: row.flow_version, epoch: row.epoch };
    });
  }

  async claim(id: string, owner: string): Promise<ConversationClaim | undefined> {
    // Turns handed over before are committed first: the snapshot answered is never older than them.
    this.flush();
    const claim = this.guard.write('conversations.claim', () => {
      const row = this.claimStmt.get({ id, owner });
      return row && toClaim(row);
    });
    if (claim) this.publish({ type: 'conversation_claimed', conversationId: id, owner, epoch: claim.epoch });
    return claim;
  }

  async epochs(ids: readonly string[]): Promise<Map<string, number>> {
    this.flush();
    return this.guard.read('conversations.epochs', () => {
      const found = new Map<string, number>();
      for (const id of ids) {
        const row = this.epochStmt.get(id);
        if (row) found.set(id, row.epoch);
      }
      return found;
    });
  }

  /** Signals go out after the statement committed; one that cannot be sent is left to the resync. */
  private publish(event: Parameters<StorageEvents['publish']>[0]): void {
    this.events?.publish(event).catch(() => undefined);
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    this.flush();
    return this.guard.read('conversations.get', () => {
      const row = this.getStmt.get(id);
      return row && toConversation(row);
    });
  }

  async list(query: { limit: number; cursor?: string } & ConversationFilter): Promise<Page<ConversationRecord>> {
    checkLimit(query.limit);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    this.flush();
    return this.guard.read('conversations.list', () => {
      const parameters: ListParameter[] = [];
      if (query.bot !== undefined) parameters.push(query.bot);
      if (query.status !== undefined) parameters.push(query.status);
      if (after) parameters.push(after.createdAt, after.id);
      // One extra row tells whether another page exists without a COUNT query.
      parameters.push(query.limit + 1);
      const rows = this.listStatement(query, after !== undefined).all(...parameters);
      const items = rows.slice(0, query.limit).map(toConversation);
      const last = items[items.length - 1];
      const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  private listStatement(filter: ConversationFilter, next: boolean): Database.Statement<ListParameter[], ConversationRow> {
    const key = `${filter.bot !== undefined}${filter.status !== undefined}${next}`;
    let statement = this.listStmts.get(key);
    if (!statement) {
      statement = this.db.prepare<ListParameter[], ConversationRow>(listSql(filter, next));
      this.listStmts.set(key, statement);
    }
    return statement;
  }

  async messages(id: string): Promise<MessageRecord[]> {
    this.flush();
    return this.guard.read('conversations.messages', () => this.messagesStmt.all(id).map(toMessage));
  }

  async steps(id: string): Promise<StepRecord[]> {
    this.flush();
    return this.guard.read('conversations.steps', () => this.stepsStmt.all(id).map(toStep));
  }

  async snapshot(id: string): Promise<unknown> {
    this.flush();
    return this.guard.read('conversations.snapshot', () => {
      const text = this.snapshotStmt.get(id)?.snapshot;
      return text === undefined || text === null ? undefined : (JSON.parse(text) as unknown);
    });
  }

  /**
   * Resolves once the turn is committed. Turns handed over within GROUP_COMMIT_WINDOW_MS (one per
   * conversation that a batch of socket reads or model answers moved on) are committed together: a commit appends
   * every page it touched to the WAL, and under load most of a turn's cost was that per-commit work
   * (see bench/: group commit took the write from ~165 to ~40 µs per turn).
   *
   * IMMEDIATE: the turn reads MAX(seq) and then writes; taking the write lock first means a
   * second process waits (busy_timeout) instead of failing on a stale read snapshot.
   */
  appendTurn(turn: TurnWrite): Promise<void> {
    if (!this.db.open) return Promise.reject(errors.storageUnavailable('storage is closed (conversations.appendTurn)'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ turn, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // A timer, not setImmediate: a busy loop reaches it on its next iteration (the same batch
        // as before), a lightly loaded one gathers the turns of GROUP_COMMIT_WINDOW_MS. On the model
        // path, turns come back one per HTTP response, each in its own tick: without the window
        // every one of them paid a commit of its own.
        setTimeout(() => this.flush(), GROUP_COMMIT_WINDOW_MS);
      }
    });
  }

  async abandonIdle(before: string): Promise<number> {
    this.flush();
    return this.guard.write('conversations.abandonIdle', () => this.abandonStmt.run(before).changes);
  }

  async hasActive(bot: string): Promise<boolean> {
    this.flush();
    return this.guard.read('conversations.hasActive', () => this.hasActiveStmt.get(bot) !== undefined);
  }

  async erase(id: string): Promise<boolean> {
    // Turns handed over before are written first, so none lands after the erasure.
    this.flush();
    const erased = this.guard.write('conversations.erase', () => this.eraseStmt.run(id).changes > 0);
    if (erased) this.publish({ type: 'conversation_erased', conversationId: id });
    return erased;
  }

  async eraseEnded(query: { before: string; limit: number; bot?: string }): Promise<number> {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError(`limit must be a positive integer, got ${query.limit}`);
    this.flush();
    return this.guard.write('conversations.eraseEnded', () =>
      query.bot === undefined
        ? this.eraseEndedStmt.run(query.before, query.limit).changes
        : this.eraseBotEndedStmt.run(query.bot, query.before, query.limit).changes,
    );
  }
}
