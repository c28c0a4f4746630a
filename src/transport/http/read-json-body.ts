import type { IncomingMessage } from 'node:http';
import { type AppError, errors } from '../../errors';

export interface JsonBody {
  /** The body text exactly as sent (UTF-8). */
  text: string;
  value: unknown;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON request body with the checks that belong at the edge: media type (415), size (413, before
 * buffering more than the limit), UTF-8 (400) and syntax (400, with the position).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    throw errors.unsupportedMediaType();
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw errors.invalidEncoding();
  }
  if (text.trim() === '') throw errors.invalidJson('the body is empty');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (err) {
    throw errors.invalidJson(`the body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): AppError {
  return errors.payloadTooLarge(maxBytes);
}
