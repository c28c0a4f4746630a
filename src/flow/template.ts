const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/**
 * Renders `{{name}}` placeholders from the conversation's variables. Unknown names render as "" (contract
 * §1). Only own properties count, so `{{constructor}}` cannot reach Object.prototype.
 */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  const rendered = text.includes('{{')
    ? text.replace(PLACEHOLDER, (_match, name: string) => (Object.hasOwn(variables, name) ? (variables[name] ?? '') : ''))
    : text;
  // A flow may hold lone surrogates (JSON escapes allow them); the user and the history get the same
  // well-formed text.
  return rendered.isWellFormed() ? rendered : rendered.toWellFormed();
}
