import { jsonSyntaxLocation } from '../util/json-syntax-error';
import type { FlowProblem } from './problems';

export type ParsedSource = { ok: true; text: string; value: unknown } | { ok: false; problem: FlowProblem };

/**
 * Turns the bytes of a flow document into a value, with the checks the server makes on an upload:
 * at most `maxBytes` (MAX_BODY_BYTES, `payload_too_large`), UTF-8 (`invalid_encoding`; a byte order
 * mark is dropped, as browsers and editors expect), not empty and valid JSON (`invalid_json`, with the
 * line and column where it stops being JSON).
 * `flowbot validate` reads files through it, so that a file gets the verdict an upload of it gets.
 */
export function parseFlowSource(bytes: Uint8Array, maxBytes: number): ParsedSource {
  if (bytes.byteLength > maxBytes) {
    return fail('payload_too_large', `the document is larger than ${maxBytes} bytes (MAX_BODY_BYTES)`);
  }
  let text: string;
  try {
    // `fatal`: a byte that is not UTF-8 is an error, not a silent U+FFFD. The BOM is dropped by default.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('invalid_encoding', 'the document is not valid UTF-8');
  }
  if (text.trim() === '') return fail('invalid_json', 'the document is empty');
  try {
    return { ok: true, text, value: JSON.parse(text) as unknown };
  } catch (err) {
    return fail('invalid_json', `the document is not valid JSON${where(text)}: ${oneLine((err as Error).message)}`);
  }
}

/** ` at line 80, column 5` (or `at the end, line 80, column 5`): V8's message alone may not say where. */
function where(text: string): string {
  const at = jsonSyntaxLocation(text);
  if (!at) return '';
  return ` ${at.atEnd ? 'at the end, ' : 'at '}line ${at.line}, column ${at.column}`;
}

/** V8 quotes the text around the error, newlines included; a problem is one line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

function fail(code: string, message: string): ParsedSource {
  return { ok: false, problem: { path: '', code, message } };
}
