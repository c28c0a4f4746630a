import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL server the `npm run test:pg` suites use: FLOWBOT_TEST_DATABASE_URL, by default the
 * development machine's. A suite that cannot reach it fails (it never skips): see jest.pg.config.js.
 */
export const TEST_DATABASE_URL = process.env.FLOWBOT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of another database on the same server. */
export function databaseUrl(name: string, base: string = TEST_DATABASE_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect().catch((err: unknown) => {
    throw new Error(
      `cannot reach the test PostgreSQL at ${TEST_DATABASE_URL} (set FLOWBOT_TEST_DATABASE_URL, or run .ci/postgres.sh): ${String(err)}`,
    );
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own (named flowbot_pg_*), for one test file or one test. */
export async function createTestDatabase(prefix = 'flowbot_pg'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  // A name of [a-z0-9_] only: safe to write into the statement (CREATE DATABASE takes no parameters).
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs one statement on a database (for what the public API hides: seq numbers, raw rows). */
export async function queryDatabase<T extends Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
