import { DEFAULT_BOT } from '../../src/storage/records';
import type { Storage } from '../../src/storage/repositories';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { STATS_QUERIES } from '../../src/storage/sqlite/stats-repository';
import { defaultFlow } from '../support/flows';
import { seedConversation, seedKnownConversations } from '../support/stats-seed';

/** What SQLite's statistics keep (the triggers of migration 8) and how its queries read. */
describe('flow statistics (SQLite)', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = openSqliteStorage({ path: ':memory:' });
    await seedKnownConversations(storage);
  });
  afterAll(() => storage.close());

  // The numbers themselves, the same on every backend: test/storage/contract/storage-contract.ts.

  /** The counts the triggers keep must equal the same counts taken over the steps still stored. */
  function countsAgreeWithSteps(db: import('better-sqlite3').Database): void {
    const kept = db
      .prepare(
        'SELECT bot_id, flow_version, hour, from_block, to_block, event, intent, count, fallbacks FROM stats_moves ORDER BY 1, 2, 3, 4, 5, 6, 7',
      )
      .all();
    const recounted = db
      .prepare(
        `SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13) AS hour, coalesce(s.from_block, '') AS from_block, s.to_block, s.event,
                coalesce(s.intent, '') AS intent, COUNT(*) AS count, SUM(s.fallback_reason IS NOT NULL) AS fallbacks
         FROM steps s JOIN conversations c ON c.id = s.conversation_id GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      )
      .all();
    expect(kept).toEqual(recounted);
    const latency = db.prepare('SELECT SUM(count) AS n FROM stats_latency').get() as { n: number | null };
    const timed = db
      .prepare("SELECT COUNT(*) AS n FROM steps WHERE latency_ms IS NOT NULL AND from_block IS NOT NULL AND event LIKE 'intent.%'")
      .get() as { n: number };
    expect(latency.n ?? 0).toBe(timed.n);
  }

  it('takes an erased conversation out of every count: its texts, its moves, its latencies', async () => {
    const scratch = openSqliteStorage({ path: ':memory:' });
    await seedKnownConversations(scratch);
    const db = (scratch as unknown as { db: import('better-sqlite3').Database }).db;
    await scratch.conversations.erase('c2');
    const stats = await scratch.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 });
    expect(stats.misunderstood).toEqual([{ block: 'route', text: 'asdf', count: 1, lastAt: '2026-01-03T10:01:00.000Z' }]);
    expect(stats.conversations).toEqual({ active: 1, completed: 1, abandoned: 0 });
    // Two conversations of version 1 left: two steps into the start block.
    expect(stats.moves.find((m) => m.from === null)).toMatchObject({ to: 'welcome', count: 2 });
    countsAgreeWithSteps(db);
    await scratch.close();
  });

  it('keeps each bot apart, and a deleted bot takes its statistics with it', async () => {
    const scratch = openSqliteStorage({ path: ':memory:' });
    await seedKnownConversations(scratch);
    await scratch.bots.create({ id: 'shop', name: 'Shop', createdAt: '2026-01-01T00:00:00.000Z' });
    await scratch.bots
      .flows('shop')
      .create({ flow: defaultFlow(), source: JSON.stringify(defaultFlow()), createdAt: '2026-01-01T00:00:00.000Z' });
    await seedConversation(
      scratch,
      { id: 's1', bot: 'shop', flowVersion: 1, createdAt: '2026-01-01T10:00:00.000Z', status: 'abandoned', currentBlock: 'ask' },
      [
        {
          messages: [['bot', 'Hi!', 'welcome']],
          steps: [
            [null, 'welcome', 'start'],
            ['welcome', 'ask', 'next'],
          ],
        },
      ],
    );
    const shop = await scratch.stats.flowStats({ botId: 'shop', flowVersion: 1 });
    expect(shop.conversations).toEqual({ active: 0, completed: 0, abandoned: 1 });
    expect(shop.droppedAt).toEqual([{ block: 'ask', count: 1 }]);
    expect(shop.moves.map((m) => [m.from, m.to, m.count])).toEqual([
      [null, 'welcome', 1],
      ['welcome', 'ask', 1],
    ]);
    const before = await scratch.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 });
    expect(before.conversations).toEqual({ active: 1, completed: 1, abandoned: 1 });

    expect(await scratch.bots.delete('shop')).toBe('deleted');
    const db = (scratch as unknown as { db: import('better-sqlite3').Database }).db;
    for (const table of ['stats_moves', 'stats_latency', 'stats_misunderstood', 'stats_misunderstood_totals'])
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE bot_id = 'shop'`).get()).toEqual({ n: 0 });
    expect(await scratch.stats.flowStats({ botId: DEFAULT_BOT, flowVersion: 1 })).toEqual(before);
    countsAgreeWithSteps(db);
    await scratch.close();
  });

  it.each(Object.entries(STATS_QUERIES))('%s reads through indexes: no scan of conversations, steps or messages', (_name, sql) => {
    const db = (storage as unknown as { db: import('better-sqlite3').Database }).db;
    const window = { bot: DEFAULT_BOT, version: 1, since: '', until: 'z', sinceHour: '', untilHour: 'z', limit: 100 };
    const used = Object.fromEntries(Object.entries(window).filter(([k]) => sql.includes(`@${k}`)));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as Array<{ detail: string }>).map((p) => p.detail).join('\n');
    expect(plan).not.toMatch(/SCAN (c|s|m|conversations|steps|messages)\b/);
    expect(plan).toMatch(/SEARCH/);
  });
});
