import Database from 'better-sqlite3';
import { dirname, join } from 'node:path';

/**
 * Test-environment fix, not a product one. better-sqlite3's native addon is loaded once per process and
 * remembers the SqliteError class of the first module registry that opened a database
 * (`addon.setErrorConstructor`, guarded by `addon.isInitialized`). Jest gives every test file its own
 * registry and its own global `Error`, so in a later file SQLite errors are instances of an earlier
 * file's classes: `err instanceof Error` is false there, src/storage/sqlite/errors.ts does not
 * recognise SQLITE_READONLY / SQLITE_FULL, and the fault surfaces as a 500 internal_error. (A real
 * server has one registry, so this cannot happen in production.) Calling this before opening the
 * storage makes the addon use this file's SqliteError again.
 */
export function claimSqliteErrorsForThisFile(): void {
  const addonPath = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  // The addon object itself (process-wide, so the same one every registry gets) holds the flag.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon has no ES module form
  const addon = require(addonPath) as { isInitialized?: boolean };
  addon.isInitialized = false;
  // Opening any database through this file's better-sqlite3 re-registers its SqliteError.
  new Database(':memory:', { nativeBinding: addonPath }).close();
  if (!addon.isInitialized) throw new Error('claimSqliteErrorsForThisFile: better-sqlite3 did not re-register its error class');
}
