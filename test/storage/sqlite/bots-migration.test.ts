import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, applyMigrations, openSqliteStorage, schemaVersion } from '../../../src/storage/sqlite';
import { at, cleanupTempDirs, makeTempDir, sampleFlow } from './helpers';

afterEach(cleanupTempDirs);

/** The schema of the last release before bots: migrations 1 to 5. */
const BEFORE_BOTS = MIGRATIONS.slice(0, 5);

/**
 * A database as the code before bots wrote it (migrations 1-5, the rows its repositories insert):
 * three flow versions with the second current, and conversations in every status with messages and
 * steps that use every step column.
 */
function writeOldDatabase(file: string): { sources: string[] } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  applyMigrations(db, BEFORE_BOTS);
  // Indented, as a person uploads them: the source must come back byte for byte.
  const sources = ['one', 'two', 'three'].map((name) => JSON.stringify(sampleFlow(name), null, 2));
  const insertVersion = db.prepare('INSERT INTO flow_versions (version, name, source, created_at) VALUES (?, ?, ?, ?)');
  sources.forEach((source, i) => insertVersion.run(i + 1, ['one', 'two', 'three'][i], source, at(i)));
  db.prepare('INSERT INTO current_flow (id, version) VALUES (1, 2)').run();
  const insertConversation = db.prepare(
    `INSERT INTO conversations (id, flow_version, status, variables, current_block, snapshot, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  insertConversation.run('live', 2, 'active', '{"answer":"x"}', 'ask', '{"value":"ask","context":{}}', at(10), at(11));
  insertConversation.run('done', 1, 'completed', '{"answer":"y","n":3,"ok":true}', 'bye', null, at(20), at(21));
  insertConversation.run('idle', 3, 'abandoned', '{}', 'ask', '{"value":"ask"}', at(30), at(31));
  const insertMessage = db.prepare('INSERT INTO messages (conversation_id, seq, sender, text, block_id, at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertStep = db.prepare(
    `INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, provider, confidence, fallback_reason,
                        latency_ms, error, runner_up, runner_up_score, case_index, choice, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const id of ['live', 'done', 'idle']) {
    insertMessage.run(id, 1, 'bot', `Hi ${id}`, 'hello', at(12));
    insertMessage.run(id, 2, 'user', `answer ${id}`, 'ask', at(13));
    insertStep.run(id, 1, null, 'hello', 'start', null, null, null, null, null, null, null, null, null, null, at(12));
    insertStep.run(
      id,
      2,
      'ask',
      'route',
      'intent.matched',
      'weather',
      'local',
      0.9,
      'timeout',
      12,
      null,
      'travel',
      0.1,
      null,
      null,
      at(13),
    );
    insertStep.run(id, 3, 'route', 'pick', 'condition.case', null, null, null, null, null, 'boom', null, null, 1, 'L', at(14));
  }
  db.close();
  return { sources };
}

describe('migration 6: bots', () => {
  it('moves a database written before bots onto the new schema, every row kept, as the default bot', async () => {
    const file = path.join(makeTempDir(), 'flowbot.sqlite');
    const { sources } = writeOldDatabase(file);
    const before = new Database(file, { readonly: true });
    const counts = (db: Database.Database) =>
      ['flow_versions', 'conversations', 'messages', 'steps'].map(
        (table) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
      );
    const oldCounts = counts(before);
    const oldMessages = before.prepare('SELECT * FROM messages ORDER BY conversation_id, seq').all();
    const oldSteps = before.prepare('SELECT * FROM steps ORDER BY conversation_id, seq').all();
    before.close();
    expect(oldCounts).toEqual([3, 3, 6, 9]);

    const storage = openSqliteStorage({ path: file });
    const raw = new Database(file, { readonly: true });
    expect(schemaVersion(raw)).toBe(MIGRATIONS.length);
    expect(counts(raw)).toEqual(oldCounts);
    // Messages and steps are untouched, column for column.
    expect(raw.prepare('SELECT * FROM messages ORDER BY conversation_id, seq').all()).toEqual(oldMessages);
    // Later migrations may add step columns; the columns the old database had keep their values.
    const oldColumns = Object.keys(oldSteps[0] as object);
    const stepsNow = raw.prepare<[], Record<string, unknown>>('SELECT * FROM steps ORDER BY conversation_id, seq').all();
    expect(stepsNow.map((row) => Object.fromEntries(oldColumns.map((column) => [column, row[column]])))).toEqual(oldSteps);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    const indexes = raw
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'conversations' AND sql IS NOT NULL",
      )
      .all()
      .map((row) => row.name)
      .sort();
    expect(indexes).toEqual([
      'conversations_bot_newest',
      'conversations_bot_status_newest',
      'conversations_newest',
      'conversations_status_newest',
      'conversations_status_updated',
      'conversations_version_stats',
    ]);
    // Each history filter is an index range, not a scan of every conversation.
    for (const [sql, index] of [
      ["SELECT id FROM conversations WHERE bot_id = 'x' ORDER BY created_at DESC, id DESC LIMIT 5", 'conversations_bot_newest'],
      ["SELECT id FROM conversations WHERE status = 'active' ORDER BY created_at DESC, id DESC LIMIT 5", 'conversations_status_newest'],
      [
        "SELECT id FROM conversations WHERE bot_id = 'x' AND status = 'active' ORDER BY created_at DESC, id DESC LIMIT 5",
        'conversations_bot_status_newest',
      ],
    ] as const) {
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>;
      expect(plan.map((row) => row.detail).join('\n')).toContain(index);
    }
    raw.close();

    await expect(storage.bots.list()).resolves.toEqual([{ id: 'default', name: 'Default bot', currentVersion: 2, createdAt: at(0) }]);
    await expect(storage.flows.list()).resolves.toEqual([
      { version: 3, name: 'three', createdAt: at(2), current: false },
      { version: 2, name: 'two', createdAt: at(1), current: true },
      { version: 1, name: 'one', createdAt: at(0), current: false },
    ]);
    for (const [i, source] of sources.entries()) expect((await storage.flows.get(i + 1))?.source).toBe(source);

    await expect(storage.conversations.get('live')).resolves.toEqual({
      id: 'live',
      flowVersion: 2,
      status: 'active',
      variables: { answer: 'x' },
      currentBlock: 'ask',
      createdAt: at(10),
      updatedAt: at(11),
    });
    await expect(storage.conversations.get('done')).resolves.toMatchObject({
      status: 'completed',
      variables: { answer: 'y', n: 3, ok: true },
    });
    await expect(storage.conversations.snapshot('live')).resolves.toEqual({ value: 'ask', context: {} });
    await expect(storage.conversations.steps('done')).resolves.toEqual([
      { from: null, to: 'hello', event: 'start', at: at(12) },
      {
        from: 'ask',
        to: 'route',
        event: 'intent.matched',
        intent: 'weather',
        provider: 'local',
        confidence: 0.9,
        fallbackReason: 'timeout',
        latencyMs: 12,
        runnerUp: 'travel',
        runnerUpScore: 0.1,
        at: at(13),
      },
      { from: 'route', to: 'pick', event: 'condition.case', error: 'boom', case: 1, choice: 'L', at: at(14) },
    ]);
    const page = await storage.conversations.list({ limit: 10, bot: 'default' });
    expect(page.items.map((c) => c.id)).toEqual(['idle', 'done', 'live']);
    expect((await storage.conversations.list({ limit: 10, status: 'active' })).items.map((c) => c.id)).toEqual(['live']);

    // The migrated database takes new versions, bots and conversations.
    const next = await storage.flows.create({ flow: sampleFlow('four'), source: JSON.stringify(sampleFlow('four')), createdAt: at(40) });
    expect(next.version).toBe(4);
    await storage.bots.create({ id: 'pizza', name: 'Pizza', createdAt: at(41) });
    const pizza = await storage.bots
      .flows('pizza')
      .create({ flow: sampleFlow('p'), source: JSON.stringify(sampleFlow('p')), createdAt: at(42) });
    expect(pizza.version).toBe(1);
    await storage.conversations.create({ id: 'new', bot: 'pizza', flowVersion: 1, createdAt: at(43) });
    await expect(storage.conversations.get('new')).resolves.toMatchObject({ bot: 'pizza', flowVersion: 1 });
    await storage.close();
  });

  it('rolls the whole migration back, foreign keys and all, when the old data breaks a reference', () => {
    const file = path.join(makeTempDir(), 'broken.sqlite');
    const db = new Database(file);
    applyMigrations(db, BEFORE_BOTS);
    // Written with foreign keys off (as SQLite allows): a conversation on a version that does not exist.
    db.pragma('foreign_keys = OFF');
    db.exec(`INSERT INTO conversations (id, flow_version, created_at, updated_at) VALUES ('orphan', 9, 'x', 'x')`);
    db.pragma('foreign_keys = ON');
    expect(() => applyMigrations(db)).toThrow(/foreign key/);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('bots', 'current_flow')").all()).toEqual([{ name: 'current_flow' }]);
    // Turned off for the rebuild, and on again afterwards.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('gives a new database the default bot with no version', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    await expect(storage.bots.list()).resolves.toEqual([
      { id: 'default', name: 'Default bot', currentVersion: null, createdAt: expect.any(String) },
    ]);
    await expect(storage.flows.currentVersion()).resolves.toBeUndefined();
    await storage.close();
  });
});
