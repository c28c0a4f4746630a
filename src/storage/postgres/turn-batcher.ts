import type { Pool } from 'pg';
import { errors } from '../../errors';
import type { TurnWrite } from '../records';
import { stepValues } from '../rows';
import { type FenceRow, whyRefused } from '../fence';
import type { PgGuard } from './errors';

interface FenceRowWithId extends FenceRow {
  id: string;
}

interface PendingTurn {
  turn: TurnWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The most turns one statement writes: its arrays stay well below the protocol's limits. */
export const MAX_TURNS_PER_BATCH = 256;

const noop = (): void => undefined;

/** Deadlock and serialization failures: the statement lost a race with another, trying again can succeed. */
function isTransient(error: { cause?: unknown }): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * One statement writes a whole batch of turns: the fenced UPDATE of each conversation (only rows whose
 * epoch still is the writer's), and the messages and steps of exactly the turns it updated, numbered
 * from the counters it bumped. The statement is its own transaction: when it returns, every turn it
 * stored is committed. Arrays through `unnest`, so the statement text is the same for any batch size.
 */
const BATCH_SQL = `
WITH t AS (
  SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[],
                       $9::integer[], $10::integer[], $37::text[])
    AS t (id, epoch, status, variables, current_block, replace_snapshot, snapshot, at, n_messages, n_steps, idle_cutoff)
), u AS (
  UPDATE conversations c SET
    status = t.status, variables = t.variables, current_block = t.current_block,
    snapshot = CASE WHEN t.replace_snapshot THEN t.snapshot ELSE c.snapshot END, updated_at = t.at,
    message_count = c.message_count + t.n_messages, step_count = c.step_count + t.n_steps
  FROM t WHERE c.id = t.id AND (t.epoch IS NULL OR (c.epoch = t.epoch AND
    (c.status = 'active' OR (c.status = 'abandoned' AND c.updated_at >= t.idle_cutoff))))
  RETURNING c.id, c.message_count - t.n_messages AS message_base, c.step_count - t.n_steps AS step_base
), m AS (
  INSERT INTO messages (conversation_id, seq, sender, text, block_id, at)
  SELECT x.conversation_id, u.message_base + x.ord, x.sender, x.text, x.block_id, x.at
  FROM unnest($11::text[], $12::integer[], $13::text[], $14::text[], $15::text[], $16::text[])
    AS x (conversation_id, ord, sender, text, block_id, at)
  JOIN u ON u.id = x.conversation_id
), s AS (
  INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, provider, confidence, fallback_reason,
                     latency_ms, error, runner_up, runner_up_score, case_index, choice, http_method, http_url, http_status,
                     http_error, at)
  SELECT y.conversation_id, u.step_base + y.ord, y.from_block, y.to_block, y.event, y.intent, y.provider, y.confidence,
         y.fallback_reason, y.latency_ms, y.error, y.runner_up, y.runner_up_score, y.case_index, y.choice, y.http_method,
         y.http_url, y.http_status, y.http_error, y.at
  FROM unnest($17::text[], $18::integer[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
              $24::double precision[], $25::text[], $26::integer[], $27::text[], $28::text[], $29::double precision[],
              $30::integer[], $31::text[], $32::text[], $33::text[], $34::integer[], $35::text[], $36::text[])
    AS y (conversation_id, ord, from_block, to_block, event, intent, provider, confidence, fallback_reason, latency_ms,
          error, runner_up, runner_up_score, case_index, choice, http_method, http_url, http_status, http_error, at)
  JOIN u ON u.id = y.conversation_id
)
SELECT id FROM u`;

/** The statement's parameters: one array per column. */
function parametersOf(turns: readonly TurnWrite[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 37 }, () => []);
  const push = (from: number, values: unknown[]): void => {
    for (const [i, value] of values.entries()) (columns[from + i] as unknown[]).push(value);
  };
  for (const turn of turns) {
    const id = turn.conversationId;
    push(0, [
      id,
      turn.epoch ?? null,
      turn.status,
      JSON.stringify(turn.variables),
      turn.currentBlock,
      turn.snapshot !== undefined,
      turn.snapshot === undefined || turn.snapshot === null ? null : JSON.stringify(turn.snapshot),
      turn.at,
      turn.messages.length,
      turn.steps.length,
    ]);
    for (const [i, message] of turn.messages.entries()) push(10, [id, i + 1, message.from, message.text, message.blockId, message.at]);
    for (const [i, step] of turn.steps.entries()) {
      push(16, [id, i + 1, ...stepValues(step)]);
    }
    push(36, [turn.idleCutoff ?? null]);
  }
  return columns;
}

/**
 * Gathers the turns handed over while earlier batches are in flight into the next statement: alone
 * when the database keeps up (no waiting for company), in batches of up to MAX_TURNS_PER_BATCH when
 * it does not (a statement per batch costs about what one per turn would). At most `maxBatches`
 * statements run at once; a conversation's turns are written one after the other, in order.
 */
export class TurnBatcher {
  private queue: PendingTurn[] = [];
  /** Conversations with a turn in a statement now: their next turn waits for it. */
  private readonly writing = new Set<string>();
  /** Settles with the last turn handed over for each conversation (never rejects). */
  private readonly latest = new Map<string, Promise<void>>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly pool: Pool,
    private readonly guard: PgGuard,
    private readonly maxBatches: number,
    private readonly maxTurns = MAX_TURNS_PER_BATCH,
  ) {}

  append(turn: TurnWrite): Promise<void> {
    let settle: Pick<PendingTurn, 'resolve' | 'reject'> | undefined;
    const promise = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    if (!settle) throw new Error('a Promise executor runs synchronously');
    this.queue.push({ turn, ...settle });
    const id = turn.conversationId;
    const settled = promise.then(noop, noop);
    this.latest.set(id, settled);
    void settled.then(() => {
      if (this.latest.get(id) === settled) this.latest.delete(id);
    });
    this.schedule();
    return promise;
  }

  /** Resolves once the turns handed over so far (of one conversation, or all) are settled. */
  settled(conversationId?: string): Promise<void> {
    if (conversationId !== undefined) return this.latest.get(conversationId) ?? Promise.resolve();
    if (this.latest.size === 0) return Promise.resolve();
    return Promise.all([...this.latest.values()]).then(noop);
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.maxBatches) return;
    this.scheduled = true;
    // After the current I/O callbacks: the turns their events produce share the statement.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxBatches) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        for (const item of batch) this.writing.delete(item.turn.conversationId);
        this.pump();
      });
    }
  }

  /** The next batch: in order, at most one turn per conversation, none of a conversation being written. */
  private take(): PendingTurn[] {
    const batch: PendingTurn[] = [];
    const rest: PendingTurn[] = [];
    const seen = new Set<string>();
    for (const item of this.queue) {
      const id = item.turn.conversationId;
      if (batch.length < this.maxTurns && !seen.has(id) && !this.writing.has(id)) {
        batch.push(item);
        this.writing.add(id);
      } else {
        rest.push(item);
      }
      seen.add(id);
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: PendingTurn[]): Promise<void> {
    try {
      const missing = await this.store(batch.map((item) => item.turn));
      for (const item of batch) {
        const why = missing.get(item.turn.conversationId);
        if (why) item.reject(why);
        else item.resolve();
      }
    } catch (error) {
      // A database that is not there fails each turn alike: no point in asking again, turn by turn.
      // A deadlock or serialization failure is the batch's bad luck, not the turns': each is tried alone.
      if (batch.length === 1 || (errors.storageUnavailable.is(error) && !isTransient(error))) {
        for (const item of batch) item.reject(error);
        return;
      }
      // One bad turn fails the whole statement: each alone, so that it fails only itself.
      await Promise.all(batch.map((item) => this.write([item])));
    }
  }

  /** Writes the turns in one statement; answers why each one that was not stored was not. */
  private async store(turns: TurnWrite[]): Promise<Map<string, Error>> {
    return this.guard.write('conversations.appendTurn', async () => {
      const { rows } = await this.pool.query<{ id: string }>(BATCH_SQL, parametersOf(turns));
      const missing = new Map<string, Error>();
      if (rows.length === turns.length) return missing;
      const stored = new Set(rows.map((row) => row.id));
      const refused = turns.filter((turn) => !stored.has(turn.conversationId));
      const existing = await this.pool.query<FenceRowWithId>('SELECT id, epoch, status FROM conversations WHERE id = ANY($1::text[])', [
        refused.map((turn) => turn.conversationId),
      ]);
      const found = new Map(existing.rows.map((row) => [row.id, row]));
      for (const turn of refused) missing.set(turn.conversationId, whyRefused(turn, found.get(turn.conversationId)));
      return missing;
    });
  }
}
