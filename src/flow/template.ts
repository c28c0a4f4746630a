const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/**
 * Renders `{{name}}` placeholders from the conversation's variables. Unknown names render as "" (contract
 * §1). Only own properties count, so `{{constructor}}` cannot reach Object.prototype.
 */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (_match, name: string) => (Object.hasOwn(variables, name) ? (variables[name] ?? '') : ''));
}
