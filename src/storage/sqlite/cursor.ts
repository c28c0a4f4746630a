import { errors } from '../../errors';

/**
 * Keyset cursor for newest-first conversation paging: the sort key (created_at, id) of the last
 * row of the page. Keyset rather than OFFSET so pages neither skip nor repeat rows when new
 * conversations arrive between requests, and so page N costs the same as page 1.
 * Encoded as base64url JSON: opaque to clients, but still readable when debugging.
 */
export interface ConversationCursor {
  createdAt: string;
  id: string;
}

// Generous upper bound; real cursors are ~100 characters. Stops absurd inputs early.
const MAX_CURSOR_LENGTH = 1024;

export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ConversationCursor {
  // Buffer.from(..., 'base64url') silently skips bad characters, so check the alphabet first.
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw errors.invalidCursor();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw errors.invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw errors.invalidCursor();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || createdAt === '' || id === '') {
    throw errors.invalidCursor();
  }
  return { createdAt, id };
}
