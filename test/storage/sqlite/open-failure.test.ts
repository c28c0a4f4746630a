import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SettingsError } from '../../../src/config/settings';
import { serve } from '../../../src/main';
import { explainOpenFailure, openSqliteStorage } from '../../../src/storage/sqlite';
import { claimSqliteErrorsForThisFile } from '../../support/sqlite-realm';
import { cleanupTempDirs, makeTempDir } from './helpers';

beforeAll(() => claimSqliteErrorsForThisFile());
afterEach(cleanupTempDirs);

/** What openSqliteStorage threw for `file`, explained. */
function explained(file: string): string {
  try {
    openSqliteStorage({ path: file })
      .close()
      .catch(() => undefined);
  } catch (err) {
    return explainOpenFailure(file, err);
  }
  throw new Error(`${file} opened`);
}

describe('explainOpenFailure', () => {
  it('names a part of the path that is a file, not a folder', () => {
    const file = path.join(makeTempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    expect(explained(path.join(file, 'db', 'flowbot.sqlite'))).toMatch(
      /^cannot create the folder ".*plain-file\/db": a part of the path is a file, not a folder \(ENOTDIR\)$/,
    );
  });

  it('says when the path is a folder', () => {
    const dir = makeTempDir();
    expect(explained(dir)).toBe(`${JSON.stringify(dir)} is a folder, not a database file (SQLITE_CANTOPEN)`);
  });

  it('says when the file is not a database, or from a newer flowbot', () => {
    const dir = makeTempDir();
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'these are not the pages you are looking for'.repeat(100));
    expect(explained(text)).toMatch(/is not an SQLite database \(SQLITE_NOTADB\)$/);
    const future = path.join(dir, 'future.sqlite');
    const raw = new Database(future);
    raw.pragma('user_version = 999');
    raw.close();
    expect(explained(future)).toMatch(/schema version 999 is newer than this flowbot knows/);
  });
});

describe('flowbot serve with a DATABASE_PATH it cannot use', () => {
  it('fails like a bad setting: names the variable and the problem, no SQLite internals', async () => {
    const file = path.join(makeTempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    const databasePath = path.join(file, 'flowbot.sqlite');
    const error: unknown = await serve({ DATABASE_PATH: databasePath, PORT: '0', LOG_LEVEL: 'silent' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      `DATABASE_PATH=${JSON.stringify(databasePath)}: cannot open the database: cannot create the folder ${JSON.stringify(file)}: it exists, but as a file, not a folder (EEXIST)`,
    ]);
  });
});
