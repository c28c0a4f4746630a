import { Client } from 'pg';
import { DEFAULT_BOT } from '../../src/storage/records';
import { openPostgresStorage, type PostgresStorage } from '../../src/storage/postgres';
import { PG_STATS_QUERIES } from '../../src/storage/postgres/stats-repository';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { seedKnownConversations } from '../support/stats-seed';

/**
 * PostgreSQL's statistics read through indexes (the numbers themselves: the contract suite). With
 * sequential scans priced out, a plan that still scans conversations, steps or messages has no index
 * to use: the query would read every row of a big table.
 */
let database: TestDatabase;
let storage: PostgresStorage;
beforeAll(async () => {
  database = await createTestDatabase();
  storage = await openPostgresStorage({ url: database.url, poolSize: 2 });
  await seedKnownConversations(storage);
});
afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('flow statistics (PostgreSQL)', () => {
  it.each(Object.entries(PG_STATS_QUERIES))('%s reads no table of conversations, steps or messages whole', async (_name, query) => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const parameters =
        query.takes === 'window'
          ? [DEFAULT_BOT, 1, '', '\uffff']
          : [DEFAULT_BOT, 1, '', '\uffff', ...(query.sql.includes('$5') ? [100] : [])];
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query.sql}`, parameters);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).not.toMatch(/Seq Scan on (conversations|steps|messages)\b/);
      // Computed from the hourly counts, never from the steps themselves.
      expect(plan).not.toMatch(/\b(steps|messages)\b/);
    } finally {
      await client.end();
    }
  });
});
