/**
 * Where a JSON text stops being JSON (RFC 8259), as a line and column a person can go to. V8's
 * JSON.parse messages give a position for some errors, none for others ("Unexpected token 'a',
 * ..."... is not valid JSON") and change between Node versions; a flow file of hundreds of lines
 * needs the place. The scan is iterative (a deeply nested document cannot overflow the stack) and
 * runs only after JSON.parse has failed. Written here rather than taken from jsonc-parser (VS Code's,
 * already installed with the editor tooling): that one points at the start of the token rather than
 * the character (a bad escape is reported where its string opens), and it recurses per level of
 * nesting, so a 200,000-deep array, which an upload may hold, overflows the stack.
 */
export interface JsonSyntaxLocation {
  /** Offset in UTF-16 code units; the text's length when the text ends too early. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (code points) from the start of the line. */
  column: number;
  atEnd: boolean;
}

type Mode = 'value' | 'firstValue' | 'key' | 'firstKey' | 'after';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

function skipWhitespace(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** The offset just past the string that opens at `at` (a `"`), or `{ error }` where it goes wrong. */
function scanString(text: string, at: number): number | { error: number } {
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { error: i };
    if (c === 0x5c) {
      const escape = text[i + 1];
      if (escape === 'u') {
        if (!HEX4.test(text.slice(i + 2, i + 6))) return { error: i };
        i += 6;
        continue;
      }
      if (escape === undefined || !ESCAPES.has(escape)) return { error: i };
      i += 2;
      continue;
    }
    i++;
  }
  return { error: text.length };
}

/** The offset just past the value that starts at `at` when it is a string, number or literal; `{ error }` otherwise. */
function scanScalar(text: string, at: number): number | { error: number } {
  if (text[at] === '"') return scanString(text, at);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, at)) return at + literal.length;
  }
  NUMBER.lastIndex = at;
  return NUMBER.test(text) ? NUMBER.lastIndex : { error: at };
}

/** The offset of the first character that is not JSON, or the text's length when it ends too early; undefined for valid JSON. */
function firstErrorOffset(text: string): number | undefined {
  const stack: Array<'object' | 'array'> = [];
  let mode: Mode = 'value';
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    const c = text[i];
    if (mode === 'after') {
      const top = stack.at(-1);
      if (top === undefined) return i < text.length ? i : undefined;
      if (c === ',') mode = top === 'object' ? 'key' : 'value';
      else if (c === (top === 'object' ? '}' : ']')) stack.pop();
      else return i;
      i++;
    } else if (mode === 'key' || mode === 'firstKey') {
      if (mode === 'firstKey' && c === '}') {
        stack.pop();
        mode = 'after';
        i++;
        continue;
      }
      if (c !== '"') return i;
      const end = scanString(text, i);
      if (typeof end !== 'number') return end.error;
      i = skipWhitespace(text, end);
      if (text[i] !== ':') return i;
      mode = 'value';
      i++;
    } else if (mode === 'firstValue' && c === ']') {
      stack.pop();
      mode = 'after';
      i++;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? 'object' : 'array');
      mode = c === '{' ? 'firstKey' : 'firstValue';
      i++;
    } else {
      const end = scanScalar(text, i);
      if (typeof end !== 'number') return end.error;
      mode = 'after';
      i = end;
    }
  }
}

/** Where `text`, which JSON.parse refused, goes wrong; undefined if the scan finds it valid (it should not). */
export function jsonSyntaxLocation(text: string): JsonSyntaxLocation | undefined {
  const offset = firstErrorOffset(text);
  if (offset === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  const column = Array.from(text.slice(lineStart, offset)).length + 1;
  return { offset, line, column, atEnd: offset >= text.length };
}
