import path from 'node:path';
import Database from 'better-sqlite3';
import type { TurnWrite } from '../../../src/storage/records';
import { SqliteConversationRepository, SqliteFlowRepository, applyMigrations, openSqliteStorage } from '../../../src/storage/sqlite';
import { at, cleanupTempDirs, makeTempDir, sampleFlow, seedFlow } from './helpers';

/** What every operational storage fault surfaces as (the catalogue's storage_unavailable). */
const STORAGE_UNAVAILABLE = { code: 'storage_unavailable', status: 503 };

/**
 * Faults are produced for real, not mocked. Tests run as root, where chmod does not stop writes,
 * so read-only is a connection opened with { readonly: true } or PRAGMA query_only, disk full is
 * PRAGMA max_page_count, and a lock is a second connection holding BEGIN IMMEDIATE.
 */

afterEach(cleanupTempDirs);

/** A migrated file database with one flow version and one conversation, closed again. */
async function preparedFile(): Promise<{ file: string; flowVersion: number }> {
  const file = path.join(makeTempDir(), 'faults.sqlite');
  const storage = openSqliteStorage({ path: file });
  const flowVersion = await seedFlow(storage);
  await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(0) });
  await storage.close();
  return { file, flowVersion };
}

function connect(file: string, options?: Database.Options): Database.Database {
  const db = new Database(file, options);
  db.pragma('foreign_keys = ON');
  return db;
}

const turn: TurnWrite = {
  conversationId: 'c1',
  messages: [],
  steps: [],
  status: 'active',
  variables: {},
  currentBlock: 'a',
  snapshot: null,
  at: at(1),
};

describe('operational faults', () => {
  it('maps writes on a read-only database to storage_unavailable; reads still work', async () => {
    const { file } = await preparedFile();
    const db = connect(file, { readonly: true });
    const warn = jest.fn();
    const flows = new SqliteFlowRepository(db, { warn });
    const conversations = new SqliteConversationRepository(db, { warn });

    const flow = sampleFlow('new');
    const error: unknown = await flows.create({ flow, source: JSON.stringify(flow), createdAt: at(2) }).catch((e) => e);
    expect(error).toMatchObject(STORAGE_UNAVAILABLE);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause: { code: 'SQLITE_READONLY' } });
    expect((error as Error).message).toMatch(/flows\.create.*SQLITE_READONLY/);
    await expect(conversations.appendTurn(turn)).rejects.toMatchObject(STORAGE_UNAVAILABLE);
    await expect(conversations.abandonIdle(at(99))).rejects.toMatchObject(STORAGE_UNAVAILABLE);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'SQLITE_READONLY' }), expect.any(String));

    await expect(flows.list()).resolves.toHaveLength(1);
    await expect(conversations.get('c1')).resolves.toMatchObject({ id: 'c1' });
    db.close();
  });

  it('works again once a read-only condition clears (no cached broken state)', async () => {
    const { file } = await preparedFile();
    const db = connect(file);
    const conversations = new SqliteConversationRepository(db);

    db.pragma('query_only = ON');
    await expect(conversations.appendTurn(turn)).rejects.toMatchObject(STORAGE_UNAVAILABLE);
    expect(db.inTransaction).toBe(false);
    db.pragma('query_only = OFF');
    await conversations.appendTurn(turn);
    await expect(conversations.get('c1')).resolves.toMatchObject({ currentBlock: 'a' });
    db.close();
  });

  it('maps a full disk to storage_unavailable and recovers when space returns', async () => {
    const { file } = await preparedFile();
    const db = connect(file);
    const conversations = new SqliteConversationRepository(db);
    const pages = db.pragma('page_count', { simple: true });
    db.pragma(`max_page_count = ${Number(pages)}`);

    const bigText = 'x'.repeat(100_000);
    const fullTurn: TurnWrite = { ...turn, messages: [{ from: 'user', text: bigText, blockId: 'a', at: at(1) }] };
    const error: unknown = await conversations.appendTurn(fullTurn).catch((e) => e);
    expect(error).toMatchObject(STORAGE_UNAVAILABLE);
    expect(error).toMatchObject({ cause: { code: 'SQLITE_FULL' } });
    await expect(conversations.messages('c1')).resolves.toEqual([]); // rolled back

    db.pragma('max_page_count = 1073741823');
    await conversations.appendTurn(fullTurn);
    expect((await conversations.messages('c1'))[0]?.text).toHaveLength(100_000);
    db.close();
  });

  it('maps a lock held past busy_timeout to storage_unavailable and recovers after release', async () => {
    const { file } = await preparedFile();
    const db = connect(file);
    db.pragma('busy_timeout = 50'); // the storage uses 5000; keep the test fast
    const conversations = new SqliteConversationRepository(db);
    const other = connect(file);
    other.prepare('BEGIN IMMEDIATE').run();

    const error: unknown = await conversations.appendTurn(turn).catch((e) => e);
    expect(error).toMatchObject(STORAGE_UNAVAILABLE);
    expect(error).toMatchObject({ cause: { code: expect.stringMatching(/^SQLITE_BUSY/) } });
    // WAL: readers are not blocked by the writer.
    await expect(conversations.get('c1')).resolves.toMatchObject({ currentBlock: null });

    other.prepare('COMMIT').run();
    await conversations.appendTurn(turn);
    await expect(conversations.get('c1')).resolves.toMatchObject({ currentBlock: 'a' });
    other.close();
    db.close();
  });

  it('maps a file that cannot be opened at start to storage_unavailable', () => {
    const dir = makeTempDir(); // a directory is not a database file
    expect(() => openSqliteStorage({ path: dir })).toThrow(expect.objectContaining(STORAGE_UNAVAILABLE));
    expect(() => openSqliteStorage({ path: dir })).toThrow(/SQLITE_CANTOPEN/);
  });

  it('lets data and programming errors through unchanged', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    applyMigrations(db);
    const conversations = new SqliteConversationRepository(db);
    const error: unknown = await conversations.create({ id: 'x', flowVersion: 99, createdAt: at(0) }).catch((e) => e);
    expect(error).not.toMatchObject(STORAGE_UNAVAILABLE);
    // By name: under jest the addon's error class can come from another test file's module registry.
    expect(error).toMatchObject({ name: 'SqliteError' });
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    db.close();
  });
});
