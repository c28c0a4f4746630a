import type Database from 'better-sqlite3';
import type { Storage } from '../../src/storage/repositories';

/**
 * Real SQLite faults on the server's own connection, for fault-injection tests. As root, chmod does
 * not stop writes, so instead:
 * - `PRAGMA query_only = ON` makes every write fail with SQLITE_READONLY ("attempt to write a readonly
 *   database"), exactly as a read-only file or mount would;
 * - `PRAGMA max_page_count = <current size>` makes any write that needs a new page fail with
 *   SQLITE_FULL, as a full disk would.
 * Both act on the connection the repositories use, so the production error mapping is what runs.
 */
export class StorageFaults {
  private readonly db: Database.Database;
  private readonly normalMaxPages: number;
  private filled = false;

  constructor(storage: Storage) {
    // The handle is a private field of the SQLite Storage; reached at run time on purpose (tests only).
    const db = (storage as unknown as { db?: unknown }).db;
    if (!isDatabase(db)) throw new Error('StorageFaults: the storage has no better-sqlite3 `db` field (was SqliteStorage changed?)');
    this.db = db;
    this.normalMaxPages = Number(db.pragma('max_page_count', { simple: true }));
  }

  readOnly(on: boolean): void {
    this.db.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
  }

  /**
   * Caps the file at its current size and fills the free room left in it, so that any write needing a
   * new page fails with SQLITE_FULL; `on = false` lifts the cap and frees the room again. Writes that fit
   * in a page that still has room (a small row) can still succeed, as on a real full disk.
   */
  full(on: boolean): void {
    if (!on) {
      this.db.pragma(`max_page_count = ${this.normalMaxPages}`);
      if (this.filled) this.db.exec('DELETE FROM zz_test_filler');
      this.filled = false;
      return;
    }
    this.db.exec('CREATE TABLE IF NOT EXISTS zz_test_filler (x BLOB)');
    this.filled = true;
    // Free pages inside the file are room a write may use, as on a real disk: a migration that drops
    // tables leaves some, and one the filler below cannot take (a big row needs two) would let a later
    // write through. VACUUM leaves none, so the cap below really is a full file.
    this.db.exec('VACUUM');
    const pages = Number(this.db.pragma('page_count', { simple: true }));
    this.db.pragma(`max_page_count = ${pages}`);
    const insert = this.db.prepare('INSERT INTO zz_test_filler (x) VALUES (randomblob(?))');
    // Big rows first, then small ones into the gaps; bounded, and each size stops at the first SQLITE_FULL.
    for (const size of [4000, 1000, 200, 50]) {
      for (let i = 0; i < 100000; i++) {
        try {
          insert.run(size);
        } catch {
          break;
        }
      }
    }
  }

  clear(): void {
    this.readOnly(false);
    this.full(false);
  }
}

function isDatabase(value: unknown): value is Database.Database {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { pragma?: unknown }).pragma === 'function' &&
    typeof (value as { prepare?: unknown }).prepare === 'function'
  );
}
