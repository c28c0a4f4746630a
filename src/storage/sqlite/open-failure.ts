import fs from 'node:fs';
import path from 'node:path';
import { isSqliteError } from './errors';
import { SchemaDamagedError } from '../schema';
import { SchemaTooNewError } from './migrations';

/**
 * Why the database at `file` could not be opened, as one sentence an operator can act on (which
 * folder or file, what is wrong with it), ending with the system's code, for searching. What
 * openSqliteStorage throws is a file system error (its folder could not be created), a SQLite error
 * (directly, or as the cause of storage_unavailable) or SchemaTooNewError; the permissions are looked
 * at again here because SQLite says only "unable to open database file".
 */
export function explainOpenFailure(file: string, error: unknown): string {
  if (error instanceof SchemaTooNewError || error instanceof SchemaDamagedError) return error.message;
  const folder = path.dirname(path.resolve(file));
  const sqlite = isSqliteError(error)
    ? error
    : isSqliteError((error as { cause?: unknown } | null)?.cause)
      ? (error as { cause: unknown }).cause
      : undefined;
  if (isSqliteError(sqlite)) return `${explainSqlite(file, folder, sqlite.code)} (${sqlite.code})`;
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && (error as NodeJS.ErrnoException).syscall === 'mkdir') {
    const target = (error as NodeJS.ErrnoException).path ?? folder;
    return `cannot create the folder ${JSON.stringify(target)}: ${explainErrno(errno)} (${errno})`;
  }
  return error instanceof Error ? error.message : String(error);
}

function explainSqlite(file: string, folder: string, code: string): string {
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return explainAccess(file, folder) ?? 'SQLite cannot open or write the file';
  }
  if (code.startsWith('SQLITE_NOTADB')) return `${JSON.stringify(file)} is not an SQLite database`;
  if (code.startsWith('SQLITE_CORRUPT')) return `the database file ${JSON.stringify(file)} is corrupt`;
  if (code.startsWith('SQLITE_FULL')) return 'the disk is full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'another process holds a lock on the database';
  return 'SQLite cannot use the file';
}

/** What stops this user from using the file and the folder next to it, or undefined when nothing visible does. */
function explainAccess(file: string, folder: string): string | undefined {
  const user = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
  const stat = statOf(file);
  if (stat?.isDirectory()) return `${JSON.stringify(file)} is a folder, not a database file`;
  if (stat && !accessible(file, fs.constants.R_OK | fs.constants.W_OK)) {
    return `permission denied: the file ${JSON.stringify(file)} is not readable and writable by this user${user}`;
  }
  if (!accessible(folder, fs.constants.W_OK | fs.constants.X_OK)) {
    return `permission denied: the folder ${JSON.stringify(folder)} is not writable by this user${user}; SQLite creates the database and its -wal and -shm files there`;
  }
  return undefined;
}

function explainErrno(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied for this user${typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : ''}`;
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      return 'it exists, but as a file, not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return 'the file system refused';
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function accessible(file: string, mode: number): boolean {
  try {
    fs.accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}
