import { openPostgresStorage } from '../../src/storage/postgres';
import { PG_SCHEMA_OBJECTS, PG_SCHEMA_TABLES } from '../../src/storage/postgres/schema-check';
import { runCli } from '../cli/run-cli';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/postgres';

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
  await (await openPostgresStorage({ url: database.url, poolSize: 2 })).close();
});
afterEach(() => database.drop());

const REMEDY =
  'which flowbot created and needs: it was changed by hand; restore it from a backup, or point DATABASE_URL at a new, empty database ' +
  '(flowbot creates the schema there)';

describe('the schema check at start (PostgreSQL)', () => {
  it('knows exactly the tables and columns the migrations create', async () => {
    const rows = await queryDatabase<{ t: string; c: string }>(
      database.url,
      'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, ordinal_position',
    );
    const created: Record<string, string[]> = {};
    for (const row of rows) (created[row.t] ??= []).push(row.c);
    expect(created).toEqual(Object.fromEntries(Object.entries(PG_SCHEMA_TABLES).map(([t, c]) => [t, [...c]])));
  });

  it('knows exactly the indexes and triggers the migrations create', async () => {
    const rows = await queryDatabase<{ o: string }>(
      database.url,
      `SELECT 'index ' || indexname AS o FROM pg_indexes WHERE schemaname = current_schema()
       UNION ALL
       SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT t.tgisinternal AND n.nspname = current_schema()`,
    );
    expect(rows.map((row) => row.o).sort()).toEqual(Object.keys(PG_SCHEMA_OBJECTS).sort());
  });

  it.each([
    ['a table dropped', 'DROP TABLE messages', 'the database (schema version 9) lacks table messages,'],
    [
      'a column dropped',
      'ALTER TABLE conversations DROP COLUMN message_count',
      'the database (schema version 9) lacks column conversations.message_count,',
    ],
    [
      'a trigger dropped (the statistics would stop counting)',
      'DROP TRIGGER steps_count_stats ON steps',
      'the database (schema version 9) lacks trigger steps_count_stats,',
    ],
    [
      'a primary key dropped (duplicate rows would get in)',
      'ALTER TABLE messages DROP CONSTRAINT messages_pkey',
      'the database (schema version 9) lacks index messages_pkey,',
    ],
    [
      'the record of migrations dropped',
      'DROP TABLE schema_migrations',
      'the database lacks table schema_migrations (the record of applied migrations),',
    ],
  ])('%s: exit 2 with one line that says what is missing and what to do, no stack trace', async (_name, sql, missing) => {
    await queryDatabase(database.url, sql);
    const run = await runCli(['serve'], undefined, { DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'flowbot serve: invalid settings:',
      `  DATABASE_URL: cannot open the PostgreSQL database: schema_damaged: ${missing} ${REMEDY}`,
    ]);
  });
});
