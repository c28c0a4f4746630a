import type { QueryResultRow } from 'pg';
import { createTestDatabase as createDatabase, queryDatabase } from '../postgres';

/**
 * A fresh PostgreSQL database for one cluster (`flowbot_cluster_<label>_<random>`) on the test
 * server (FLOWBOT_TEST_DATABASE_URL, see test/support/postgres.ts), with a way to read what the API
 * hides (order numbers, the listeners' connections). Dropped with the connections still open to it.
 */
export interface TestDatabase {
  readonly name: string;
  /** DATABASE_URL for the instances. */
  readonly url: string;
  query<Row extends QueryResultRow>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const db = await createDatabase(`flowbot_cluster_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}`);
  let dropped = false;
  return {
    name: db.name,
    url: db.url,
    query: <Row extends QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<Row>(db.url, sql, params),
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.drop();
    },
  };
}

/**
 * The backends of the instances' signal listeners: the connections whose last statement was their
 * LISTEN or the listener's heartbeat (`SELECT 1`, which nothing else sends), of one instance when
 * `$1` is its application_name (`flowbot <INSTANCE_ID>`) or of all of them when `$1` is null.
 */
export const LISTENER_BACKENDS = `SELECT pid FROM pg_stat_activity
  WHERE datname = current_database() AND query IN ('LISTEN flowbot_events', 'SELECT 1')
    AND ($1::text IS NULL OR application_name = $1)`;
