import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors } from '../../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer-token check for /api routes when API_TOKEN is set. Both sides are hashed first so that the
 * comparison takes the same time whatever the length or content of the guess.
 */
export function createTokenCheck(token: string | undefined): (req: IncomingMessage) => void {
  if (!token) return () => undefined;
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = digest(match?.[1]?.trim() ?? '');
    if (!match || !timingSafeEqual(given, expected)) {
      throw errors.unauthorized();
    }
  };
}
