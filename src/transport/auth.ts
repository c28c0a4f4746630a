import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether a token given is API_TOKEN (always true when none is set). Both sides are hashed first so
 * that the comparison takes the same time whatever the length or content of the guess.
 */
export function createTokenMatcher(token: string | undefined): (given: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = digest(token);
  return (given) => given !== undefined && timingSafeEqual(digest(given), expected);
}

/** The token of an `Authorization: Bearer <token>` header, if it has that form. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}

/** Bearer-token check for /api routes when API_TOKEN is set. */
export function createTokenCheck(token: string | undefined): (req: IncomingMessage) => void {
  if (!token) return () => undefined;
  const matches = createTokenMatcher(token);
  return (req) => {
    if (!matches(bearerToken(req))) throw errors.unauthorized();
  };
}
