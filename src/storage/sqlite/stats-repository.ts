import type Database from 'better-sqlite3';
import type { ConversationStatus, FlowStatsRecord, StatsQuery } from '../records';
import type { StatsRepository } from '../repositories';
import type { SqliteGuard } from './errors';

type Window = { version: number; since: string; until: string };

/**
 * The version's conversations started in the window: found through `conversations_flow_version`;
 * their steps and messages through the (conversation_id, seq) primary keys. Nothing scans another
 * version's rows.
 */
const IN_WINDOW = 'c.flow_version = @version AND c.created_at >= @since AND c.created_at < @until';
const VERSION_STEPS = `conversations c JOIN steps s ON s.conversation_id = c.id WHERE ${IN_WINDOW}`;

const STATUS_SQL = `SELECT c.status AS status, COUNT(*) AS count FROM conversations c WHERE ${IN_WINDOW} GROUP BY c.status`;
const DROPPED_SQL = `
  SELECT c.current_block AS block, COUNT(*) AS count FROM conversations c
  WHERE ${IN_WINDOW} AND c.status = 'abandoned' AND c.current_block IS NOT NULL
  GROUP BY c.current_block ORDER BY count DESC, block`;
/** One pass over the steps: transitions, blocks entered and intent outcomes all come from it. */
const MOVES_SQL = `
  SELECT s.from_block AS "from", s.to_block AS "to", s.event AS event, s.intent AS intent,
         COUNT(*) AS count, SUM(s.fallback_reason IS NOT NULL) AS fallbacks
  FROM ${VERSION_STEPS}
  GROUP BY s.from_block, s.to_block, s.event, s.intent`;
/** Nearest-rank percentiles: the value at rank ceil(p·n), in integer arithmetic (no math functions needed). */
const LATENCY_SQL = `
  WITH ranked AS (
    SELECT s.from_block AS block, s.latency_ms AS v,
           ROW_NUMBER() OVER (PARTITION BY s.from_block ORDER BY s.latency_ms) AS rn,
           COUNT(*) OVER (PARTITION BY s.from_block) AS n
    FROM ${VERSION_STEPS} AND s.event LIKE 'intent.%' AND s.latency_ms IS NOT NULL
  )
  SELECT block, MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50, MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN v END) AS p95
  FROM ranked GROUP BY block ORDER BY block`;
/**
 * The text a no-match was about: the conversation's last user message at or before the step (the
 * message is stored with the turn it starts, so it is never later than the turn's steps).
 */
const MISUNDERSTOOD_SQL = `
  SELECT block, text, COUNT(*) AS count, MAX(at) AS lastAt FROM (
    SELECT s.from_block AS block, s.at AS at,
           (SELECT m.text FROM messages m
            WHERE m.conversation_id = s.conversation_id AND m.sender = 'user' AND m.at <= s.at
            ORDER BY m.seq DESC LIMIT 1) AS text
    FROM ${VERSION_STEPS} AND s.event IN ('intent.noMatch', 'intent.maxNoMatch')
  )
  WHERE text IS NOT NULL
  GROUP BY block, text ORDER BY count DESC, lastAt DESC, block, text LIMIT @limit`;

/** The most misunderstood texts answered (the most frequent). */
export const MAX_MISUNDERSTOOD = 100;

export class SqliteStatsRepository implements StatsRepository {
  private readonly statusStmt: Database.Statement<[Window], { status: ConversationStatus; count: number }>;
  private readonly droppedStmt: Database.Statement<[Window], { block: string; count: number }>;
  private readonly movesStmt: Database.Statement<[Window], FlowStatsRecord['moves'][number]>;
  private readonly latencyStmt: Database.Statement<[Window], { block: string; p50: number; p95: number }>;
  private readonly misunderstoodStmt: Database.Statement<[Window & { limit: number }], FlowStatsRecord['misunderstood'][number]>;

  constructor(private readonly guard: SqliteGuard) {
    const db = guard.db;
    this.statusStmt = db.prepare(STATUS_SQL);
    this.droppedStmt = db.prepare(DROPPED_SQL);
    this.movesStmt = db.prepare(MOVES_SQL);
    this.latencyStmt = db.prepare(LATENCY_SQL);
    this.misunderstoodStmt = db.prepare(MISUNDERSTOOD_SQL);
  }

  flowStats(query: StatsQuery): Promise<FlowStatsRecord> {
    const window: Window = { version: query.flowVersion, since: query.since ?? '', until: query.until ?? '\uffff' };
    return Promise.resolve(
      this.guard.read('flow statistics', () =>
        // One read transaction: the five answers describe the same moment.
        this.guard.db.transaction((): FlowStatsRecord => {
          const conversations: Record<ConversationStatus, number> = { active: 0, completed: 0, abandoned: 0 };
          for (const row of this.statusStmt.all(window)) conversations[row.status] = row.count;
          return {
            conversations,
            droppedAt: this.droppedStmt.all(window),
            moves: this.movesStmt.all(window),
            latency: this.latencyStmt.all(window),
            misunderstood: this.misunderstoodStmt.all({ ...window, limit: MAX_MISUNDERSTOOD }),
          };
        })(),
      ),
    );
  }
}
