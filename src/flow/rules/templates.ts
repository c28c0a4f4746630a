import { pointer } from '../problems';
import { VARIABLE_NAME_PATTERN } from '../schema-caps';
import { parseTemplate, type TemplateError } from '../template';
import { templatesOf, variableInventory, variableReadsOf } from '../variables';
import type { Rule } from './context';

/** Longest piece of a malformed placeholder quoted in a message. */
const MAX_QUOTE = 40;

function quote(source: string): string {
  return JSON.stringify(source.length > MAX_QUOTE ? `${source.slice(0, MAX_QUOTE)}…` : source);
}

/** What is wrong, and where: the position counts characters (code points) from 1, as an editor does. */
function describe(error: TemplateError, text: string): string {
  const at = `at character ${[...text.slice(0, error.start)].length + 1}`;
  switch (error.fault) {
    case 'unclosed':
      return `placeholder ${quote(error.source)} ${at} is not closed: write {{name}}`;
    case 'empty':
      return `placeholder ${quote(error.source)} ${at} names no variable: write {{name}}`;
    case 'not_a_variable':
      return `placeholder ${quote(error.source)} ${at} does not name a variable (a name matches ${VARIABLE_NAME_PATTERN.source})`;
    case 'stray_close':
      return `"}}" ${at} closes no placeholder: a placeholder is written {{name}}`;
  }
}

/**
 * `invalid_template` (an error): a malformed placeholder, such as an unclosed `{{`.
 * `secret_outside_http` (an error): `{{secret.NAME}}` anywhere but an http block's url, headers and
 * body, so that a secret can never be said to a user or stored. `unknown_variable` (a warning): a placeholder or a condition naming a
 * variable no block sets and the runtime does not set either; it would render as "" (or its fallback).
 * Both point at the text (or the `var`) that holds them.
 */
export const templates: Rule = ({ blocks, suggester, errors, warnings }) => {
  const known = variableInventory(blocks);
  for (const { index, block } of blocks) {
    for (const { text, field, secrets } of templatesOf(block)) {
      if (!text.includes('{{') && !text.includes('}}')) continue;
      const path = pointer('blocks', index, ...field);
      const parsed = parseTemplate(text);
      for (const error of parsed.errors) errors.push({ path, code: 'invalid_template', message: describe(error, text) });
      const reported = new Set<string>();
      for (const part of parsed.parts) {
        if (part.kind !== 'placeholder') continue;
        if (part.scope === 'secret') {
          // Secrets may only be sent to the flow's own services, never said to a user or stored.
          if (!secrets) {
            errors.push({
              path,
              code: 'secret_outside_http',
              message: `{{secret.${part.name}}}: a secret may only be used in an http block's url, headers or body`,
            });
          }
          continue;
        }
        if (known.has(part.name) || reported.has(part.name)) continue;
        reported.add(part.name);
        const shown = part.fallback === undefined ? '""' : `its fallback ${JSON.stringify(part.fallback)}`;
        warnings.push({
          path,
          code: 'unknown_variable',
          message: `no block sets the variable "${part.name}", so {{${part.name}}} renders as ${shown}${suggester.didYouMean(part.name, known)}`,
        });
      }
    }
    for (const read of variableReadsOf(block)) {
      if (known.has(read.name)) continue;
      warnings.push({
        path: pointer('blocks', index, ...read.field),
        code: 'unknown_variable',
        message: `no block sets the variable "${read.name}", so the condition always sees it unset${suggester.didYouMean(read.name, known)}`,
      });
    }
  }
};
