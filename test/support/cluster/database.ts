import { randomBytes } from 'node:crypto';
import { Client, type QueryResultRow } from 'pg';

/**
 * A fresh PostgreSQL database for one test file, created on the test server and dropped afterwards
 * (with the connections that are still open to it: a killed instance's may linger). The server is
 * FLOWBOT_TEST_DATABASE_URL, by default the one of the development machine and CI (127.0.0.1:5432,
 * user postgres, database test); a test file that cannot reach it fails, it never skips.
 */

export const TEST_SERVER_URL = process.env.FLOWBOT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  /** DATABASE_URL for the instances. */
  readonly url: string;
  query<Row extends QueryResultRow>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/** `flowbot_<label>_<random>`: names the test that made it, and never collides with another run's. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `flowbot_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withClient(TEST_SERVER_URL, (c) => c.query(`CREATE DATABASE ${name}`)).catch((err: Error) => {
    throw new Error(`cannot create a test database on ${TEST_SERVER_URL} (set FLOWBOT_TEST_DATABASE_URL): ${err.message}`);
  });
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    query: <Row extends QueryResultRow>(sql: string, params: unknown[] = []) =>
      withClient(url.toString(), async (c) => (await c.query<Row>(sql, params)).rows),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(TEST_SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
