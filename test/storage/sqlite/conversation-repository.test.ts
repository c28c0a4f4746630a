import path from 'node:path';
import Database from 'better-sqlite3';
import type { MessageRecord, StepRecord } from '../../../src/storage/records';
import type { Storage } from '../../../src/storage/repositories';
import { ConversationNotFoundError, openSqliteStorage } from '../../../src/storage/sqlite';
import { at, cleanupTempDirs, makeTempDir, msg, seedFlow, turn } from './helpers';

let storage: Storage;
let flowVersion: number;
beforeEach(async () => {
  storage = openSqliteStorage({ path: ':memory:' });
  flowVersion = await seedFlow(storage);
});
afterEach(async () => {
  await storage.close();
  cleanupTempDirs();
});

describe('SqliteConversationRepository: records', () => {
  it('creates an active conversation with empty state', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    await expect(storage.conversations.get('c1')).resolves.toEqual({
      id: 'c1',
      flowVersion,
      status: 'active',
      variables: {},
      currentBlock: null,
      createdAt: at(1),
      updatedAt: at(1),
    });
    await expect(storage.conversations.messages('c1')).resolves.toEqual([]);
    await expect(storage.conversations.steps('c1')).resolves.toEqual([]);
    await expect(storage.conversations.snapshot('c1')).resolves.toBeUndefined();
    await expect(storage.conversations.get('missing')).resolves.toBeUndefined();
  });

  it('rejects a duplicate id (a constraint error, not a storage fault)', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    await expect(storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(2) })).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
  });

  it('appends turns in order, continuing seq from what is stored', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    const first: StepRecord = { from: null, to: 'hello', event: 'start', at: at(2) };
    const second: StepRecord = {
      from: 'ask',
      to: 'route',
      event: 'intent.matched',
      intent: 'weather',
      provider: 'openai',
      fallbackReason: 'timeout',
      latencyMs: 12,
      confidence: 0.82,
      runnerUp: 'travel',
      runnerUpScore: 0.11,
      at: at(4),
    };
    await storage.conversations.appendTurn(
      turn('c1', { messages: [msg('bot', 'hi', 2), msg('bot', 'what?', 2)], steps: [first], at: at(2) }),
    );
    await storage.conversations.appendTurn(
      turn('c1', { messages: [msg('user', 'weather', 3), msg('bot', 'sunny', 4)], steps: [second], at: at(4) }),
    );
    await storage.conversations.appendTurn(turn('c1', { messages: [msg('user', 'thanks', 5)], at: at(5) }));

    const messages = await storage.conversations.messages('c1');
    expect(messages.map((m) => m.text)).toEqual(['hi', 'what?', 'weather', 'sunny', 'thanks']);
    expect(messages[2]).toEqual({ from: 'user', text: 'weather', blockId: 'b-weather', at: at(3) });
    // Optional step fields come back exactly as written: absent stays absent.
    await expect(storage.conversations.steps('c1')).resolves.toEqual([first, second]);
    expect(Object.keys((await storage.conversations.steps('c1'))[0] ?? {})).toEqual(['from', 'to', 'event', 'at']);
  });

  it('keeps the confidence of a detection and the reason of an intent.error', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    const matched: StepRecord = {
      from: 'route',
      to: 'weather',
      event: 'intent.matched',
      intent: 'weather',
      provider: 'local',
      confidence: 0.8125,
      latencyMs: 2,
      at: at(2),
    };
    const failed: StepRecord = { from: 'route', to: 'clarify', event: 'intent.error', error: 'both providers failed', at: at(3) };
    await storage.conversations.appendTurn(turn('c1', { steps: [matched, failed], at: at(3) }));
    await expect(storage.conversations.steps('c1')).resolves.toEqual([matched, failed]);
  });

  it('numbers messages and steps 1..n per conversation, continuing across a restart', async () => {
    // A file database, reopened between turns: seq must come from the stored max, not a counter.
    const file = path.join(makeTempDir(), 'seq.sqlite');
    let fileStorage = openSqliteStorage({ path: file });
    const version = await seedFlow(fileStorage);
    await fileStorage.conversations.create({ id: 'a', flowVersion: version, createdAt: at(1) });
    await fileStorage.conversations.create({ id: 'b', flowVersion: version, createdAt: at(1) });
    const step: StepRecord = { from: 'x', to: 'y', event: 'next', at: at(2) };
    for (let i = 0; i < 3; i++) {
      await fileStorage.conversations.appendTurn(turn('a', { messages: [msg('user', `a${i}`, 2)], steps: [step, step] }));
      await fileStorage.conversations.appendTurn(turn('b', { messages: [msg('user', `b${i}`, 2)], steps: [step] }));
      await fileStorage.close();
      fileStorage = openSqliteStorage({ path: file });
    }
    await fileStorage.close();

    // The public API hides seq; read the columns through a separate read-only connection.
    const raw = new Database(file, { readonly: true });
    const seqs = (table: string, id: string) =>
      raw
        .prepare<[string], { seq: number }>(`SELECT seq FROM ${table} WHERE conversation_id = ? ORDER BY seq`)
        .all(id)
        .map((row) => row.seq);
    expect(seqs('messages', 'a')).toEqual([1, 2, 3]);
    expect(seqs('messages', 'b')).toEqual([1, 2, 3]);
    expect(seqs('steps', 'a')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seqs('steps', 'b')).toEqual([1, 2, 3]);
    raw.close();
  });

  it('round-trips variables, current block, snapshot and status', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    const snapshot = { status: 'active', value: 'ask', context: { nested: [1, 'two', { three: null }] }, emoji: '🙂' };
    await storage.conversations.appendTurn(
      turn('c1', { variables: { name: 'Zoë', 'with space': '"quoted"' }, currentBlock: 'ask', snapshot, at: at(7) }),
    );
    await expect(storage.conversations.get('c1')).resolves.toMatchObject({
      status: 'active',
      variables: { name: 'Zoë', 'with space': '"quoted"' },
      currentBlock: 'ask',
      createdAt: at(1),
      updatedAt: at(7),
    });
    await expect(storage.conversations.snapshot('c1')).resolves.toEqual(snapshot);

    // A turn without a snapshot (one that failed) keeps the last resume point.
    const { snapshot: _omitted, ...failed } = turn('c1', { currentBlock: 'route', at: at(7) });
    await storage.conversations.appendTurn(failed);
    await expect(storage.conversations.snapshot('c1')).resolves.toEqual(snapshot);

    // Ending the conversation clears the snapshot.
    await storage.conversations.appendTurn(turn('c1', { status: 'completed', currentBlock: 'bye', snapshot: null, at: at(8) }));
    await expect(storage.conversations.get('c1')).resolves.toMatchObject({ status: 'completed', currentBlock: 'bye' });
    await expect(storage.conversations.snapshot('c1')).resolves.toBeUndefined();
  });

  it('rounds fractional latencies instead of failing the turn', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    const step: StepRecord = { from: 'a', to: 'b', event: 'next', latencyMs: 12.7, at: at(2) };
    await storage.conversations.appendTurn(turn('c1', { steps: [step] }));
    expect((await storage.conversations.steps('c1'))[0]?.latencyMs).toBe(13);
  });

  it('writes a turn all-or-nothing', async () => {
    await storage.conversations.create({ id: 'c1', flowVersion, createdAt: at(1) });
    // The second message violates the sender CHECK: the first message and the update must vanish too.
    const bad = { from: 'robot', text: 'x', blockId: 'b', at: at(2) } as unknown as MessageRecord;
    await expect(
      storage.conversations.appendTurn(turn('c1', { messages: [msg('user', 'ok', 2), bad], status: 'completed', currentBlock: 'z' })),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_CHECK' });
    await expect(storage.conversations.messages('c1')).resolves.toEqual([]);
    await expect(storage.conversations.get('c1')).resolves.toMatchObject({ status: 'active', currentBlock: null });
  });

  it('refuses a turn for an unknown conversation', async () => {
    await expect(storage.conversations.appendTurn(turn('ghost', {}))).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('abandons only active conversations idle since before the cutoff', async () => {
    await storage.conversations.create({ id: 'old', flowVersion, createdAt: at(1) });
    await storage.conversations.create({ id: 'recent', flowVersion, createdAt: at(1) });
    await storage.conversations.create({ id: 'done', flowVersion, createdAt: at(1) });
    await storage.conversations.create({ id: 'edge', flowVersion, createdAt: at(1) });
    await storage.conversations.appendTurn(turn('recent', { at: at(100) }));
    await storage.conversations.appendTurn(turn('done', { status: 'completed', at: at(2) }));
    await storage.conversations.appendTurn(turn('edge', { at: at(50) }));

    await expect(storage.conversations.abandonIdle(at(50))).resolves.toBe(1); // strictly before
    await expect(storage.conversations.get('old')).resolves.toMatchObject({ status: 'abandoned', updatedAt: at(1) });
    await expect(storage.conversations.get('edge')).resolves.toMatchObject({ status: 'active' });
    await expect(storage.conversations.get('recent')).resolves.toMatchObject({ status: 'active' });
    await expect(storage.conversations.get('done')).resolves.toMatchObject({ status: 'completed' });
    await expect(storage.conversations.abandonIdle(at(50))).resolves.toBe(0);
  });
});

describe('SqliteConversationRepository: paging', () => {
  async function createMany(count: number, createdAt: (i: number) => string): Promise<void> {
    for (let i = 0; i < count; i++) {
      await storage.conversations.create({ id: `c${String(i).padStart(2, '0')}`, flowVersion, createdAt: createdAt(i) });
    }
  }

  async function pageThrough(limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await storage.conversations.list(cursor === undefined ? { limit } : { limit, cursor });
      pages.push(page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      if (pages.length > 100) throw new Error('paging does not terminate');
    } while (cursor !== undefined);
    return pages;
  }

  it('lists newest first', async () => {
    await createMany(5, (i) => at(i));
    const page = await storage.conversations.list({ limit: 10 });
    expect(page.items.map((c) => c.id)).toEqual(['c04', 'c03', 'c02', 'c01', 'c00']);
    expect(page.nextCursor).toBeNull();
  });

  it('pages 25 rows with equal timestamps without duplicates or gaps', async () => {
    await createMany(25, () => at(0));
    const pages = await pageThrough(10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(25);
    // Ties on created_at are broken by id, descending.
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => `c${String(24 - i).padStart(2, '0')}`));
  });

  it('returns no cursor when the last page is exactly full', async () => {
    await createMany(20, () => at(0));
    expect((await pageThrough(10)).map((p) => p.length)).toEqual([10, 10]);
  });

  it('does not shift pages when newer conversations arrive between requests', async () => {
    await createMany(6, (i) => at(i));
    const first = await storage.conversations.list({ limit: 3 });
    await storage.conversations.create({ id: 'newest', flowVersion, createdAt: at(99) });
    const second = await storage.conversations.list({ limit: 3, cursor: first.nextCursor ?? '' });
    expect(first.items.map((c) => c.id)).toEqual(['c05', 'c04', 'c03']);
    expect(second.items.map((c) => c.id)).toEqual(['c02', 'c01', 'c00']);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%^'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ createdAt: 'x', id: 'y' })).toString('base64url')],
    ['wrong length', Buffer.from(JSON.stringify(['a', 'b', 'c'])).toString('base64url')],
    ['wrong types', Buffer.from(JSON.stringify([1, 2])).toString('base64url')],
    ['too long', 'A'.repeat(5000)],
  ])('rejects an invalid cursor (%s)', async (_label, cursor) => {
    await expect(storage.conversations.list({ limit: 10, cursor })).rejects.toMatchObject({ code: 'invalid_cursor', status: 400 });
    await expect(storage.conversations.list({ limit: 10, cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it.each([0, 101, 1.5, Number.NaN])('rejects limit %p', async (limit) => {
    await expect(storage.conversations.list({ limit })).rejects.toBeInstanceOf(RangeError);
  });

  it('accepts the limit bounds 1 and 100', async () => {
    await createMany(3, (i) => at(i));
    expect((await storage.conversations.list({ limit: 1 })).items).toHaveLength(1);
    expect((await storage.conversations.list({ limit: 100 })).items).toHaveLength(3);
  });
});
