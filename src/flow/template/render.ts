import type { Scalar } from '../types';
import { parseTemplate } from './parse';

/** The variables of a conversation: JSON scalars by name. */
export type Variables = Readonly<Record<string, Scalar>>;

/** A variable as text: a number as JavaScript prints it, a boolean as `true`/`false`. */
export function scalarText(value: Scalar): string {
  return typeof value === 'string' ? value : String(value);
}

/** The variable's own value (never one of Object.prototype's), or undefined when it is not set. */
export function variableValue(variables: Variables, name: string): Scalar | undefined {
  return Object.hasOwn(variables, name) ? variables[name] : undefined;
}

/** Where `{{secret.NAME}}` placeholders are resolved; texts without a resolver render them as "". */
export type SecretResolver = (name: string) => string | undefined;

/**
 * Renders `{{name}}` and `{{name|fallback}}` placeholders from the conversation's variables: a variable
 * that is not set renders as "" (validation warns about names no block sets), or as its fallback, which
 * also replaces an empty value. A malformed placeholder, which validation refuses, stays as written.
 * Only own properties count, so `{{constructor}}` cannot reach Object.prototype.
 */
export function renderTemplate(text: string, variables: Variables, secrets?: SecretResolver): string {
  let rendered = text;
  if (text.includes('{{')) {
    rendered = '';
    for (const part of parseTemplate(text).parts) {
      if (part.kind === 'text') {
        rendered += part.text;
        continue;
      }
      const value = part.scope === 'secret' ? secrets?.(part.name) : variableValue(variables, part.name);
      const shown = value === undefined ? '' : scalarText(value);
      rendered += shown === '' && part.fallback !== undefined ? part.fallback : shown;
    }
  }
  // A flow may hold lone surrogates (JSON escapes allow them); the user and the history get the same
  // well-formed text.
  return rendered.isWellFormed() ? rendered : rendered.toWellFormed();
}
