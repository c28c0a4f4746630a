import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_TABLES } from '../../../src/storage/schema';
import { openSqliteStorage } from '../../../src/storage/sqlite';
import { SQLITE_SCHEMA_OBJECTS, sqliteSchemaObjects } from '../../../src/storage/sqlite/schema-check';
import { runCli } from '../../cli/run-cli';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowbot-schema-'));
  file = join(dir, 'flowbot.sqlite');
  await openSqliteStorage({ path: file }).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function damage(sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe('the schema check at start (SQLite)', () => {
  it('knows exactly the tables and columns the migrations create', () => {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db
        .prepare<[], { t: string; c: string }>(
          "SELECT m.name AS t, c.name AS c FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY m.name, c.cid",
        )
        .all();
      const created: Record<string, string[]> = {};
      for (const row of rows) (created[row.t] ??= []).push(row.c);
      expect(created).toEqual(Object.fromEntries(Object.entries(SCHEMA_TABLES).map(([t, c]) => [t, [...c]])));
    } finally {
      db.close();
    }
  });

  it('knows exactly the indexes and triggers the migrations create', () => {
    const db = new Database(file, { readonly: true });
    try {
      expect([...sqliteSchemaObjects(db)].sort()).toEqual(Object.keys(SQLITE_SCHEMA_OBJECTS).sort());
    } finally {
      db.close();
    }
  });

  it.each([
    [
      'a table dropped',
      'DROP TRIGGER conversations_uncount_stats; DROP TABLE steps',
      '(schema version 9) lacks table steps, trigger conversations_uncount_stats,',
    ],
    ['a column dropped', 'ALTER TABLE conversations DROP COLUMN owner', '(schema version 9) lacks column conversations.owner,'],
    [
      'a trigger dropped (the statistics would stop counting)',
      'DROP TRIGGER stats_misunderstood_added',
      '(schema version 9) lacks trigger stats_misunderstood_added,',
    ],
    ['an index dropped', 'DROP INDEX conversations_newest', '(schema version 9) lacks index conversations_newest,'],
    [
      'the schema version reset, the tables left',
      'PRAGMA user_version = 0',
      "lacks its schema version (PRAGMA user_version is 0, flowbot's tables are there),",
    ],
  ])('%s: exit 2 with one line that says what is missing and what to do, no stack trace', async (_name, sql, missing) => {
    damage(sql);
    const run = await runCli(['serve'], undefined, { DATABASE_PATH: file, PORT: '0', LOG_LEVEL: 'silent' });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      'flowbot serve: invalid settings:',
      `  DATABASE_PATH=${JSON.stringify(file)}: cannot open the database: schema_damaged: the database ${missing} ` +
        'which flowbot created and needs: it was changed by hand; restore the file from a backup, or move it away ' +
        '(flowbot then creates a new database at DATABASE_PATH)',
    ]);
  });
});
