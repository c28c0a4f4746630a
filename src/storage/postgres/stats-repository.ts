import type { Pool } from 'pg';
import type { ConversationStatus, FlowStatsRecord, StatsQuery } from '../records';
import type { StatsRepository } from '../repositories';
import { MAX_MISUNDERSTOOD } from '../sqlite/stats-repository';
import type { PgGuard } from './errors';
import { inTransaction } from './transaction';

/** $1 bot, $2 version, $3 since, $4 until: the version's conversations started in the window. */
const IN_WINDOW = 'c.bot_id = $1 AND c.flow_version = $2 AND c.created_at >= $3 AND c.created_at < $4';
/** $1 bot, $2 version, $3 since hour, $4 until hour: the hourly counts kept by the database (migration 8). */
const HOURS = 'bot_id = $1 AND flow_version = $2 AND hour >= $3 AND hour < $4';

const STATUS_SQL = `SELECT c.status, COUNT(*)::integer AS count FROM conversations c WHERE ${IN_WINDOW} GROUP BY c.status`;
const DROPPED_SQL = `
  SELECT c.current_block AS block, COUNT(*)::integer AS count FROM conversations c
  WHERE ${IN_WINDOW} AND c.status = 'abandoned' AND c.current_block IS NOT NULL
  GROUP BY c.current_block ORDER BY count DESC, block`;
const MOVES_SQL = `
  SELECT nullif(from_block, '') AS "from", to_block AS "to", event, nullif(intent, '') AS intent,
         SUM(count)::integer AS count, SUM(fallbacks)::integer AS fallbacks
  FROM stats_moves WHERE ${HOURS}
  GROUP BY from_block, to_block, event, intent`;
/** Nearest-rank percentiles from the histogram, as SQLite computes them. */
const LATENCY_SQL = `
  WITH histogram AS (
    SELECT block, latency_ms AS v, SUM(count) AS n FROM stats_latency WHERE ${HOURS} GROUP BY block, latency_ms
  ), running AS (
    SELECT block, v, SUM(n) OVER (PARTITION BY block ORDER BY v) AS upto, SUM(n) OVER (PARTITION BY block) AS total FROM histogram
  )
  SELECT block, MIN(CASE WHEN upto >= div(total * 50 + 99, 100) THEN v END)::integer AS p50,
                MIN(CASE WHEN upto >= div(total * 95 + 99, 100) THEN v END)::integer AS p95
  FROM running GROUP BY block ORDER BY block`;
const MISUNDERSTOOD_SQL = `
  SELECT block, text, SUM(count)::integer AS count, MAX(last_at) AS "lastAt"
  FROM stats_misunderstood_totals WHERE ${HOURS}
  GROUP BY block, text ORDER BY count DESC, "lastAt" DESC, block, text LIMIT $5`;

/** Every statement with the parameters it takes ('window' or 'hours'), for tests of their query plans. */
export const PG_STATS_QUERIES = {
  STATUS_SQL: { sql: STATUS_SQL, takes: 'window' },
  DROPPED_SQL: { sql: DROPPED_SQL, takes: 'window' },
  MOVES_SQL: { sql: MOVES_SQL, takes: 'hours' },
  LATENCY_SQL: { sql: LATENCY_SQL, takes: 'hours' },
  MISUNDERSTOOD_SQL: { sql: MISUNDERSTOOD_SQL, takes: 'hours' },
} as const;

export class PgStatsRepository implements StatsRepository {
  constructor(
    private readonly pool: Pool,
    private readonly guard: PgGuard,
  ) {}

  flowStats(query: StatsQuery): Promise<FlowStatsRecord> {
    const since = query.since ?? '';
    const until = query.until ?? '\uffff';
    const window = [query.botId, query.flowVersion, since, until];
    const hours = [query.botId, query.flowVersion, since.slice(0, 13), until.slice(0, 13)];
    return this.guard.read('flow statistics', () =>
      inTransaction(this.pool, async (client): Promise<FlowStatsRecord> => {
        // One snapshot: the five answers describe the same moment.
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const conversations: Record<ConversationStatus, number> = { active: 0, completed: 0, abandoned: 0 };
        const status = await client.query<{ status: ConversationStatus; count: number }>(STATUS_SQL, window);
        for (const row of status.rows) conversations[row.status] = row.count;
        const dropped = await client.query<FlowStatsRecord['droppedAt'][number]>(DROPPED_SQL, window);
        const moves = await client.query<FlowStatsRecord['moves'][number]>(MOVES_SQL, hours);
        const latency = await client.query<FlowStatsRecord['latency'][number]>(LATENCY_SQL, hours);
        const misunderstood = await client.query<FlowStatsRecord['misunderstood'][number]>(MISUNDERSTOOD_SQL, [
          ...hours,
          MAX_MISUNDERSTOOD,
        ]);
        return { conversations, droppedAt: dropped.rows, moves: moves.rows, latency: latency.rows, misunderstood: misunderstood.rows };
      }),
    );
  }
}
