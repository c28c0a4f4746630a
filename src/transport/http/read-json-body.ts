import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors';

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
    throw new AppError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
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
    throw new AppError(400, 'invalid_encoding', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new AppError(400, 'invalid_json', 'the body is empty');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (err) {
    throw new AppError(400, 'invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(413, 'payload_too_large', `the body is larger than ${maxBytes} bytes`);
}
