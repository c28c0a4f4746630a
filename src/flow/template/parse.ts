/**
 * The placeholder syntax of flow texts, defined once: `{{name}}` or `{{name|fallback}}` (spaces around
 * the name and the fallback are dropped), where `name` is a variable name, or `secret.NAME` for a
 * secret (read from the environment by the blocks that may use one). Anything else that opens with
 * `{{` or closes with `}}` is malformed; validation reports it (`invalid_template`) and the renderer
 * leaves it as it is.
 *
 * The syntax only grows: a text that is malformed today may become valid, never the other way round.
 */

import { VARIABLE_NAME_PATTERN } from '../schema-caps';

const OPEN = '{{';
const CLOSE = '}}';
const FALLBACK = '|';
const SECRET_PREFIX = 'secret.';
/** Secret names, as environment variable suffixes are written (`FLOWBOT_SECRET_ORDERS_TOKEN`). */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Where a placeholder's value comes from: a conversation variable, or a secret of the server. */
export type PlaceholderScope = 'variable' | 'secret';

export interface Placeholder {
  kind: 'placeholder';
  scope: PlaceholderScope;
  /** The variable's name, or the secret's NAME (without `secret.`). */
  name: string;
  /** The text after `|`, rendered when the variable is unset or empty; undefined without `|`. */
  fallback?: string;
  /** Where `{{` starts and after `}}` ends, in UTF-16 code units. */
  start: number;
  end: number;
}

export interface Literal {
  kind: 'text';
  text: string;
}

export type TemplatePart = Literal | Placeholder;

export type TemplateFault = 'unclosed' | 'empty' | 'not_a_variable' | 'stray_close';

/** A malformed placeholder: what is wrong, and the source it covers (`{{request}`, `}}`). */
export interface TemplateError {
  fault: TemplateFault;
  source: string;
  start: number;
}

export interface ParsedTemplate {
  /** The text split into literals and placeholders; a malformed part is kept as a literal. */
  parts: TemplatePart[];
  errors: TemplateError[];
}

/** Splits a text into literals and placeholders, and lists every malformed placeholder. Never throws. */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: TemplateError[] = [];
  const opens = occurrences(text, OPEN);
  const closes = occurrences(text, CLOSE);
  let literalFrom = 0;
  let at = 0;
  const literalUpTo = (end: number): void => {
    if (end > literalFrom) parts.push({ kind: 'text', text: text.slice(literalFrom, end) });
  };
  while (at < text.length) {
    const open = opens(at);
    const strayClose = closes(at);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      errors.push({ fault: 'stray_close', source: CLOSE, start: strayClose });
      at = strayClose + CLOSE.length;
      continue;
    }
    if (open === -1) break;
    const close = closes(open + OPEN.length);
    const reopen = opens(open + OPEN.length);
    if (close === -1 || (reopen !== -1 && reopen < close)) {
      const end = close === -1 ? text.length : reopen;
      errors.push({ fault: 'unclosed', source: text.slice(open, end).trimEnd(), start: open });
      at = end;
      continue;
    }
    const end = close + CLOSE.length;
    const inside = text.slice(open + OPEN.length, close);
    const bar = inside.indexOf(FALLBACK);
    const name = (bar === -1 ? inside : inside.slice(0, bar)).trim();
    const placeholder = placeholderOf(name, bar === -1 ? undefined : inside.slice(bar + 1).trim(), open, end);
    if (placeholder) {
      literalUpTo(open);
      parts.push(placeholder);
      literalFrom = end;
    } else {
      errors.push({ fault: name === '' ? 'empty' : 'not_a_variable', source: text.slice(open, end), start: open });
    }
    at = end;
  }
  literalUpTo(text.length);
  return { parts, errors };
}

function placeholderOf(name: string, fallback: string | undefined, start: number, end: number): Placeholder | undefined {
  const withFallback = fallback === undefined ? {} : { fallback };
  if (VARIABLE_NAME_PATTERN.test(name)) return { kind: 'placeholder', scope: 'variable', name, ...withFallback, start, end };
  if (name.startsWith(SECRET_PREFIX)) {
    const secret = name.slice(SECRET_PREFIX.length);
    if (SECRET_NAME_PATTERN.test(secret)) return { kind: 'placeholder', scope: 'secret', name: secret, ...withFallback, start, end };
  }
  return undefined;
}

/**
 * `find(from)`: the first position >= from where `token` occurs, or -1. Callers ask with positions
 * that never decrease, so the last answer is reused while it is still ahead: a text full of `{{` is
 * scanned once, not once per `{{`.
 */
function occurrences(text: string, token: string): (from: number) => number {
  let found = text.indexOf(token);
  return (position: number): number => {
    if (found !== -1 && found < position) found = text.indexOf(token, position);
    return found;
  };
}
