import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from '../../../src/storage/sqlite';
import { at, cleanupTempDirs, makeTempDir, seedFlow } from './helpers';

afterEach(() => cleanupTempDirs());

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('SQLite WAL checkpoints in a worker thread', () => {
  it('the WAL is checkpointed in the background while the server writes, and close leaves no WAL behind', async () => {
    const file = path.join(makeTempDir(), 'flowbot.sqlite');
    const storage = openSqliteStorage({ path: file });
    const flowVersion = await seedFlow(storage);
    // The main connection never checkpoints (wal_autocheckpoint = 0): pages reach the main file
    // only through a checkpoint, so its size shows the worker's work.
    const before = fs.statSync(file).size;
    const text = 'x'.repeat(4000);
    for (let c = 0; c < 40; c += 1) {
      const id = `c${c}`;
      await storage.conversations.create({ id, flowVersion, createdAt: at(1) });
      for (let t = 0; t < 40; t += 1) {
        await storage.conversations.appendTurn({
          conversationId: id,
          messages: [{ from: 'user', text, blockId: 'ask', at: at(2) }],
          steps: [],
          status: 'active',
          variables: {},
          currentBlock: 'ask',
          snapshot: null,
          at: at(2),
        });
      }
    }
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4 * 1024 * 1024);
    await expect(until(() => fs.statSync(file).size > before + 4 * 1024 * 1024, 20_000)).resolves.toBe(true);

    await storage.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 1600 });
    } finally {
      db.close();
    }
  }, 60_000);
});
