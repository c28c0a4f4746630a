import { PAGE_LIMIT } from '../config/limits';
import { errors } from '../errors';

/** Page sizes of every paged list (conversations, flow versions): config/limits.ts is their one home. */
export const MAX_PAGE_LIMIT = PAGE_LIMIT.max;
export const DEFAULT_PAGE_LIMIT = PAGE_LIMIT.default;

/** The page size asked for, checked (the HTTP edge checks it too; services may be called from elsewhere). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw errors.invalidParameter(`limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return limit;
}

/** Flow version cursors: `v` and the version number; opaque to clients. */
export function encodeVersionCursor(version: number): string {
  return `v${version}`;
}

export function decodeVersionCursor(cursor: string): number {
  const match = /^v([1-9]\d{0,9})$/.exec(cursor);
  if (!match) throw errors.invalidCursor();
  return Number(match[1]);
}
