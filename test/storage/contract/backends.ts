import type { Storage } from '../../../src/storage/repositories';
import { openPostgresStorage } from '../../../src/storage/postgres';
import { openSqliteStorage } from '../../../src/storage/sqlite';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../../support/postgres';

/** A storage backend under the contract: a fresh, empty storage per test. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Once per test file. */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A fresh empty storage (only the `default` bot); every storage opened is closed by tearDown. */
  open(): Promise<Storage>;
  /** The seq numbers stored for a conversation's messages or steps, in order (the API hides them). */
  seqs(table: 'messages' | 'steps', conversationId: string): Promise<number[]>;
}

export function sqliteBackend(): Backend {
  let current: { db: import('better-sqlite3').Database } | undefined;
  const opened: Storage[] = [];
  return {
    name: 'sqlite',
    setUp: () => Promise.resolve(),
    tearDown: async () => {
      for (const storage of opened.splice(0)) await storage.close();
    },
    open: () => {
      const storage = openSqliteStorage({ path: ':memory:' });
      opened.push(storage);
      current = storage as unknown as { db: import('better-sqlite3').Database };
      return Promise.resolve(storage);
    },
    seqs: (table, id) =>
      Promise.resolve(
        (current?.db.prepare(`SELECT seq FROM ${table} WHERE conversation_id = ? ORDER BY seq`).all(id) as Array<{ seq: number }>).map(
          (row) => row.seq,
        ),
      ),
  };
}

/** Every table, emptied between tests (a database per test would take seconds each). */
const TABLES =
  'bots, flow_versions, conversations, messages, steps, health_probe, stats_moves, stats_latency, stats_misunderstood, stats_misunderstood_totals';

export function postgresBackend(): Backend {
  let database: TestDatabase | undefined;
  const opened: Storage[] = [];
  const url = (): string => {
    if (!database) throw new Error('setUp() first');
    return database.url;
  };
  return {
    name: 'postgres',
    setUp: async () => {
      database = await createTestDatabase();
    },
    tearDown: async () => {
      for (const storage of opened.splice(0)) await storage.close();
      await database?.drop();
    },
    open: async () => {
      for (const storage of opened.splice(0)) await storage.close();
      const storage = await openPostgresStorage({ url: url(), poolSize: 4 });
      await queryDatabase(url(), `TRUNCATE ${TABLES}`);
      await queryDatabase(
        url(),
        "INSERT INTO bots (id, name, current_version, created_at) VALUES ('default', 'Default bot', NULL, '2026-01-01T00:00:00.000Z')",
      );
      opened.push(storage);
      return storage;
    },
    seqs: async (table, id) =>
      (await queryDatabase<{ seq: number }>(url(), `SELECT seq FROM ${table} WHERE conversation_id = $1 ORDER BY seq`, [id])).map(
        (row) => row.seq,
      ),
  };
}
