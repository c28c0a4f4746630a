import type { Storage } from '../../src/storage/repositories';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { STATS_QUERIES } from '../../src/storage/sqlite/stats-repository';
import { seedKnownConversations } from '../support/stats-seed';

/** The statistics repository on a database seeded with known conversations, number by number. */
describe('flow statistics (SQLite)', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = openSqliteStorage({ path: ':memory:' });
    await seedKnownConversations(storage);
  });
  afterAll(() => storage.close());

  it('counts conversations, moves, drop-off, latency and misunderstood texts of one version only', async () => {
    const stats = await storage.stats.flowStats({ flowVersion: 1 });
    expect(stats.conversations).toEqual({ active: 1, completed: 1, abandoned: 1 });
    expect(stats.droppedAt).toEqual([{ block: 'ask', count: 1 }]);
    const moves = Object.fromEntries(stats.moves.map((m) => [`${m.from} ${m.to} ${m.event} ${m.intent}`, [m.count, m.fallbacks]]));
    expect(moves).toEqual({
      'null welcome start null': [3, 0],
      'welcome ask next null': [3, 0],
      'ask route user.message null': [5, 0],
      'route weather intent.matched weather': [1, 0],
      'weather ask next null': [1, 0],
      'route goodbye intent.matched bye': [1, 0],
      'route clarify intent.noMatch none': [2, 1],
      'route clarify intent.error null': [1, 0],
      'clarify ask next null': [3, 0],
    });
    // Latencies 10, 20, 30, 40: nearest rank ceil(0.5·4) = 2nd, ceil(0.95·4) = 4th.
    expect(stats.latency).toEqual([{ block: 'route', p50: 20, p95: 40 }]);
    expect(stats.misunderstood).toEqual([{ block: 'route', text: 'asdf', count: 2, lastAt: '2026-01-03T10:01:00.000Z' }]);
  });

  it('counts only conversations started in [since, until)', async () => {
    const from2nd = await storage.stats.flowStats({ flowVersion: 1, since: '2026-01-02T00:00:00.000Z' });
    expect(from2nd.conversations).toEqual({ active: 1, completed: 0, abandoned: 1 });
    expect(from2nd.latency).toEqual([{ block: 'route', p50: 30, p95: 40 }]);
    const before2nd = await storage.stats.flowStats({ flowVersion: 1, until: '2026-01-02T10:00:00.000Z' });
    expect(before2nd.conversations).toEqual({ active: 0, completed: 1, abandoned: 0 });
    expect(before2nd.misunderstood).toEqual([]);
    const none = await storage.stats.flowStats({ flowVersion: 3 });
    expect(none).toEqual({
      conversations: { active: 0, completed: 0, abandoned: 0 },
      droppedAt: [],
      moves: [],
      latency: [],
      misunderstood: [],
    });
  });

  it('forgets the texts of an erased conversation, keeps the counts without texts', async () => {
    const scratch = openSqliteStorage({ path: ':memory:' });
    await seedKnownConversations(scratch);
    const db = (scratch as unknown as { db: import('better-sqlite3').Database }).db;
    db.pragma('foreign_keys = ON');
    db.prepare("DELETE FROM conversations WHERE id = 'c2'").run();
    const stats = await scratch.stats.flowStats({ flowVersion: 1 });
    expect(stats.misunderstood).toEqual([{ block: 'route', text: 'asdf', count: 1, lastAt: '2026-01-03T10:01:00.000Z' }]);
    expect(stats.conversations).toEqual({ active: 1, completed: 1, abandoned: 0 });
    await scratch.close();
  });

  it.each(Object.entries(STATS_QUERIES))('%s reads through indexes: no scan of conversations, steps or messages', (_name, sql) => {
    const db = (storage as unknown as { db: import('better-sqlite3').Database }).db;
    const window = { version: 1, since: '', until: 'z', sinceHour: '', untilHour: 'z', limit: 100 };
    const used = Object.fromEntries(Object.entries(window).filter(([k]) => sql.includes(`@${k}`)));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as Array<{ detail: string }>).map((p) => p.detail).join('\n');
    expect(plan).not.toMatch(/SCAN (c|s|m|conversations|steps|messages)\b/);
    expect(plan).toMatch(/SEARCH/);
  });
});
