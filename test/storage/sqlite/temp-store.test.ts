import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteStorage } from '../../../src/storage/sqlite';
import { cleanupTempDirs, makeTempDir } from './helpers';

afterEach(() => cleanupTempDirs());

describe('SQLite temporary data', () => {
  it('is kept in memory: the savepoints of a batch written again after a failed turn never spill their journals to temp files', async () => {
    const storage = openSqliteStorage({ path: path.join(makeTempDir(), 'flowbot.sqlite') });
    try {
      // The connection is the storage's own; this reads the setting, which no behaviour shows
      // (SQLite unlinks its temp files as it opens them). 2 is MEMORY.
      const db = (storage as unknown as { db: Database.Database }).db;
      expect(db.pragma('temp_store', { simple: true })).toBe(2);
    } finally {
      await storage.close();
    }
  });
});
