import type Database from 'better-sqlite3';
import type { ConversationStatus, FlowStatsRecord, StatsQuery } from '../records';
import type { StatsRepository } from '../repositories';
import type { SqliteGuard } from './errors';

type Window = { bot: string; version: number; since: string; until: string; sinceHour: string; untilHour: string };

/** The version's conversations started in the window: answered from `conversations_version_stats` alone. */
const IN_WINDOW = 'c.bot_id = @bot AND c.flow_version = @version AND c.created_at >= @since AND c.created_at < @until';
/** Hourly counts the database keeps as steps are written (migration 8): never the steps themselves. */
const HOURS = 'bot_id = @bot AND flow_version = @version AND hour >= @sinceHour AND hour < @untilHour';

const STATUS_SQL = `SELECT c.status AS status, COUNT(*) AS count FROM conversations c WHERE ${IN_WINDOW} GROUP BY c.status`;
const DROPPED_SQL = `
  SELECT c.current_block AS block, COUNT(*) AS count FROM conversations c
  WHERE ${IN_WINDOW} AND c.status = 'abandoned' AND c.current_block IS NOT NULL
  GROUP BY c.current_block ORDER BY count DESC, block`;
/** Transitions, blocks entered and intent outcomes all come from these counts. */
const MOVES_SQL = `
  SELECT nullif(from_block, '') AS "from", to_block AS "to", event, nullif(intent, '') AS intent,
         SUM(count) AS count, SUM(fallbacks) AS fallbacks
  FROM stats_moves WHERE ${HOURS}
  GROUP BY from_block, to_block, event, intent`;
/** Nearest-rank percentiles from the histogram: the smallest value whose running count reaches ceil(p·n). */
const LATENCY_SQL = `
  WITH histogram AS (
    SELECT block, latency_ms AS v, SUM(count) AS n FROM stats_latency WHERE ${HOURS} GROUP BY block, latency_ms
  ), running AS (
    SELECT block, v, SUM(n) OVER (PARTITION BY block ORDER BY v) AS upto, SUM(n) OVER (PARTITION BY block) AS total FROM histogram
  )
  SELECT block, MIN(CASE WHEN upto >= (total * 50 + 99) / 100 THEN v END) AS p50, MIN(CASE WHEN upto >= (total * 95 + 99) / 100 THEN v END) AS p95
  FROM running GROUP BY block ORDER BY block`;
/** The texts no intent fitted, from the totals the database keeps (migration 8). */
const MISUNDERSTOOD_SQL = `
  SELECT block, text, SUM(count) AS count, MAX(last_at) AS lastAt
  FROM stats_misunderstood_totals WHERE ${HOURS}
  GROUP BY block, text ORDER BY count DESC, lastAt DESC, block, text LIMIT @limit`;

/** Every statement, for tests of their query plans. */
export const STATS_QUERIES = { STATUS_SQL, DROPPED_SQL, MOVES_SQL, LATENCY_SQL, MISUNDERSTOOD_SQL } as const;

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
    const since = query.since ?? '';
    const until = query.until ?? '\uffff';
    const window: Window = {
      bot: query.botId,
      version: query.flowVersion,
      since,
      until,
      sinceHour: since.slice(0, 13),
      untilHour: until.slice(0, 13),
    };
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
