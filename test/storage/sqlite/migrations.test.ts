import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  MIGRATIONS,
  SchemaTooNewError,
  applyMigrations,
  latestVersion,
  openSqliteStorage,
  schemaVersion,
  type Migration,
} from '../../../src/storage/sqlite';
import { cleanupTempDirs, makeTempDir, seedFlow } from './helpers';

afterEach(cleanupTempDirs);

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}

describe('migrations', () => {
  it('creates the whole schema on an empty database and records the version', () => {
    const db = new Database(':memory:');
    expect(schemaVersion(db)).toBe(0);
    expect(applyMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(tableNames(db)).toEqual([
      'bots',
      'conversations',
      'flow_versions',
      'health_probe',
      'messages',
      'stats_latency',
      'stats_misunderstood',
      'stats_misunderstood_totals',
      'stats_moves',
      'steps',
    ]);
    db.close();
  });

  it('applies nothing the second time', () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    expect(applyMigrations(db)).toEqual([]);
    db.close();
  });

  it('keeps data and does not re-apply migrations when a file database is reopened', async () => {
    const file = path.join(makeTempDir(), 'flowbot.sqlite');
    const first = openSqliteStorage({ path: file });
    const version = await seedFlow(first, 'kept');
    await first.close();

    // Migration 1 uses plain CREATE TABLE: re-applying it would throw "already exists".
    const second = openSqliteStorage({ path: file });
    expect((await second.flows.current())?.name).toBe('kept');
    expect((await second.flows.current())?.version).toBe(version);
    await second.close();

    const raw = new Database(file);
    expect(schemaVersion(raw)).toBe(latestVersion());
    raw.close();
  });

  it('applies only the migrations that are new', () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    const next: Migration = { version: latestVersion() + 1, name: 'add notes', up: 'CREATE TABLE notes (x TEXT)' };
    expect(applyMigrations(db, [...MIGRATIONS, next])).toEqual([next.version]);
    expect(tableNames(db)).toContain('notes');
    expect(applyMigrations(db, [...MIGRATIONS, next])).toEqual([]);
    db.close();
  });

  it('rolls back a failing migration completely, version included', () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    const broken: Migration = {
      version: latestVersion() + 1,
      name: 'broken',
      up: 'CREATE TABLE half (x TEXT); THIS IS NOT SQL;',
    };
    expect(() => applyMigrations(db, [...MIGRATIONS, broken])).toThrow();
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(tableNames(db)).not.toContain('half');
    db.close();
  });

  it('adds confidence, error and the runner-up to the steps of a version 2 database, keeping the steps it has', () => {
    const db = new Database(':memory:');
    applyMigrations(db, MIGRATIONS.slice(0, 2));
    db.exec(`INSERT INTO flow_versions VALUES (1, 'f', '{}', '2026-01-01T00:00:00.000Z');
             INSERT INTO conversations (id, flow_version, created_at, updated_at) VALUES ('c', 1, 'x', 'x');
             INSERT INTO steps (conversation_id, seq, from_block, to_block, event, at) VALUES ('c', 1, NULL, 'a', 'start', 'x');`);
    expect(applyMigrations(db, MIGRATIONS.slice(0, 4))).toEqual([3, 4]);
    const columns = db
      .prepare<[], { name: string; type: string }>("SELECT name, type FROM pragma_table_info('steps')")
      .all()
      .map((c) => `${c.name} ${c.type}`);
    expect(columns).toEqual(expect.arrayContaining(['confidence REAL', 'error TEXT', 'runner_up TEXT', 'runner_up_score REAL']));
    expect(db.prepare('SELECT to_block, confidence, error, runner_up, runner_up_score FROM steps').all()).toEqual([
      { to_block: 'a', confidence: null, error: null, runner_up: null, runner_up_score: null },
    ]);
    db.close();
  });

  it('adds case and choice to the steps of a version 4 database, keeping the steps it has', () => {
    const db = new Database(':memory:');
    applyMigrations(db, MIGRATIONS.slice(0, 4));
    db.exec(`INSERT INTO flow_versions VALUES (1, 'f', '{}', '2026-01-01T00:00:00.000Z');
             INSERT INTO conversations (id, flow_version, created_at, updated_at) VALUES ('c', 1, 'x', 'x');
             INSERT INTO steps (conversation_id, seq, from_block, to_block, event, at) VALUES ('c', 1, NULL, 'a', 'start', 'x');`);
    expect(applyMigrations(db, MIGRATIONS.slice(0, 5))).toEqual([5]);
    expect(db.prepare('SELECT to_block, case_index, choice FROM steps').all()).toEqual([{ to_block: 'a', case_index: null, choice: null }]);
    db.close();
  });

  it('counts the steps a version 7 database already has into the statistics of their bot, and keeps counting new ones', () => {
    const db = new Database(':memory:');
    applyMigrations(db, MIGRATIONS.slice(0, 7));
    db.exec(`INSERT INTO bots VALUES ('shop', 'Shop', 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO flow_versions VALUES ('default', 1, 'f', '{}', '2026-01-01T00:00:00.000Z');
             INSERT INTO flow_versions VALUES ('shop', 1, 'f', '{}', '2026-01-01T00:00:00.000Z');
             INSERT INTO conversations (id, bot_id, flow_version, created_at, updated_at) VALUES ('c', 'shop', 1, 'x', 'x');
             INSERT INTO messages (conversation_id, seq, sender, text, block_id, at) VALUES ('c', 1, 'user', 'huh', 'ask', '2026-01-01T10:00:00.000Z');
             INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, latency_ms, at)
               VALUES ('c', 1, 'route', 'clarify', 'intent.noMatch', 'none', 7, '2026-01-01T10:00:00.000Z');`);
    expect(applyMigrations(db)).toEqual([8, 9]);
    db.exec(`INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, latency_ms, at)
               VALUES ('c', 2, 'route', 'clarify', 'intent.noMatch', 'none', 9, '2026-01-01T10:30:00.000Z');`);
    expect(db.prepare('SELECT bot_id, flow_version, hour, from_block, event, count FROM stats_moves').all()).toEqual([
      { bot_id: 'shop', flow_version: 1, hour: '2026-01-01T10', from_block: 'route', event: 'intent.noMatch', count: 2 },
    ]);
    expect(db.prepare('SELECT bot_id, latency_ms, count FROM stats_latency ORDER BY latency_ms').all()).toEqual([
      { bot_id: 'shop', latency_ms: 7, count: 1 },
      { bot_id: 'shop', latency_ms: 9, count: 1 },
    ]);
    expect(db.prepare('SELECT bot_id, text, count, last_at FROM stats_misunderstood_totals').all()).toEqual([
      { bot_id: 'shop', text: 'huh', count: 2, last_at: '2026-01-01T10:30:00.000Z' },
    ]);
    db.close();
  });

  it('adds the http call columns to the steps of a version 5 database, keeping the steps it has', () => {
    const db = new Database(':memory:');
    applyMigrations(db, MIGRATIONS.slice(0, 5));
    db.exec(`INSERT INTO flow_versions VALUES (1, 'f', '{}', '2026-01-01T00:00:00.000Z');
             INSERT INTO conversations (id, flow_version, created_at, updated_at) VALUES ('c', 1, 'x', 'x');
             INSERT INTO steps (conversation_id, seq, from_block, to_block, event, at) VALUES ('c', 1, NULL, 'a', 'start', 'x');`);
    expect(applyMigrations(db)).toEqual(MIGRATIONS.slice(5).map((m) => m.version));
    expect(db.prepare('SELECT to_block, http_method, http_url, http_status, http_error FROM steps').all()).toEqual([
      { to_block: 'a', http_method: null, http_url: null, http_status: null, http_error: null },
    ]);
    db.close();
  });

  it('rejects a migration list out of order or with a repeated version', () => {
    const db = new Database(':memory:');
    const repeated: Migration = { version: latestVersion(), name: 'repeated', up: 'SELECT 1' };
    expect(() => applyMigrations(db, [...MIGRATIONS, repeated])).toThrow(/expected a whole number above/);
    const backwards: Migration = { version: 2, name: 'backwards', up: 'SELECT 1' };
    expect(() => applyMigrations(db, [...MIGRATIONS, backwards])).toThrow(/expected a whole number above/);
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('refuses to open a database whose schema is newer than the code', () => {
    const file = path.join(makeTempDir(), 'future.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();

    expect(() => openSqliteStorage({ path: file })).toThrow(SchemaTooNewError);
    expect(() => openSqliteStorage({ path: file })).toThrow(/schema version 999 is newer/);
    // The refused database is left untouched.
    const check = new Database(file);
    expect(schemaVersion(check)).toBe(999);
    expect(tableNames(check)).toEqual([]);
    check.close();
  });
});

describe('openSqliteStorage', () => {
  it('creates missing parent directories and uses WAL', async () => {
    const file = path.join(makeTempDir(), 'nested', 'deeper', 'flowbot.sqlite');
    const storage = openSqliteStorage({ path: file });
    expect(fs.existsSync(file)).toBe(true);
    await storage.close();

    // WAL is recorded in the file header, so a plain connection sees what the storage set.
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('turns foreign keys on', async () => {
    // SQLite leaves them off by default; then this insert would silently succeed.
    const storage = openSqliteStorage({ path: ':memory:' });
    await expect(storage.conversations.create({ id: 'c', flowVersion: 42, createdAt: '2026-01-01T00:00:00.000Z' })).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    });
    await storage.close();
  });

  it('ping answers true while open, false after close; close is idempotent', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    await expect(storage.ping()).resolves.toBe(true);
    await storage.close();
    await expect(storage.close()).resolves.toBeUndefined();
    await expect(storage.ping()).resolves.toBe(false);
  });

  it('reports calls after close as storage_unavailable, not a TypeError', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    await storage.close();
    await expect(storage.flows.list()).rejects.toMatchObject({ code: 'storage_unavailable' });
    await expect(storage.conversations.get('x')).rejects.toMatchObject({ code: 'storage_unavailable' });
  });
});
