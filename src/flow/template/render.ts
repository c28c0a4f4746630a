import { parseTemplate } from './parse';

/**
 * Renders `{{name}}` placeholders from the conversation's variables; a variable that is not set renders
 * as "" (validation warns about names no block sets). A malformed placeholder, which validation
 * refuses, stays as written. Only own properties count, so `{{constructor}}` cannot reach
 * Object.prototype.
 */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  let rendered = text;
  if (text.includes('{{')) {
    rendered = '';
    for (const part of parseTemplate(text).parts) {
      if (part.kind === 'text') rendered += part.text;
      else if (Object.hasOwn(variables, part.name)) rendered += variables[part.name] ?? '';
    }
  }
  // A flow may hold lone surrogates (JSON escapes allow them); the user and the history get the same
  // well-formed text.
  return rendered.isWellFormed() ? rendered : rendered.toWellFormed();
}
