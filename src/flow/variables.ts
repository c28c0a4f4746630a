import { type BlockEntry, isRecord, type JsonRecord, stringField } from './document';
import type { BlockEdge, FieldPath } from './edges';

/**
 * Where a flow's variables come from and where they are used, per block type: the inventory that the
 * variable rules (`reserved_variable`, `unknown_variable`, `variable_maybe_unset`) and the limits read.
 * A block type that assigns variables adds a case to `assignmentsOf`; one that renders text adds one
 * to `templatesOf`; one that reads variables directly, to `variableReadsOf`. Placeholder syntax itself
 * lives in ./template.
 */

/** What an http block sets when its call fails: `timeout`, `network`, `blocked`, `status`, `too_large` or `invalid_json`. */
export const HTTP_ERROR_VARIABLE = 'httpError';
/** The status code of the last answer an http block got (2xx or not); unset after a call that got none. */
export const HTTP_STATUS_VARIABLE = 'httpStatus';

/**
 * Variables the runtime sets itself: `lastMessage` (every message), `intent` (the id last detected),
 * `httpError` and `httpStatus` (every http call). No block may assign them, and reading them before
 * they are set is not warned about: a flow reads them right where the runtime has just set them.
 */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set(['lastMessage', 'intent', HTTP_ERROR_VARIABLE, HTTP_STATUS_VARIABLE]);

/** A variable a block assigns, and the field that names it. */
export interface Assignment {
  name: string;
  field: FieldPath;
}

/**
 * A text of a block that is rendered as a template, and its field. `said`: the bot says it to the
 * user (MAX_TEXT_CHARS applies); other templates are values (`set`, a condition's right-hand side).
 * `secrets`: the text may hold `{{secret.NAME}}` (an http block's url, headers and body, which go to
 * the flow's own service and are never shown or stored).
 */
export interface TemplateField {
  text: string;
  field: FieldPath;
  said: boolean;
  secrets?: true;
}

/** A variable a block reads by name (a condition's `var`), with the operator it is read by. */
export interface VariableRead {
  name: string;
  op: string;
  field: FieldPath;
}

/** The variables one block assigns (any value; fields that are not strings are left out). */
export function assignmentsOf(block: unknown): Assignment[] {
  if (!isRecord(block)) return [];
  switch (block.type) {
    case 'wait': {
      const saveAs = stringField(block, 'saveAs');
      return saveAs === undefined ? [] : [{ name: saveAs, field: ['saveAs'] }];
    }
    case 'set':
      return isRecord(block.assign) ? Object.keys(block.assign).map((name) => ({ name, field: ['assign', name] })) : [];
    case 'http':
      return httpSaves(block);
    default:
      return [];
  }
}

/** What an http block sets when its call gets a 2xx: its `save` variables (`httpStatus` and `httpError` are builtins). */
function httpSaves(block: JsonRecord): Assignment[] {
  return isRecord(block.save) ? Object.keys(block.save).map((name): Assignment => ({ name, field: ['save', name] })) : [];
}

/**
 * The variables a block assigns when it leaves by `edge`: a set block assigns on its one way out; a
 * wait block stores the answer on a choice or an answer that fits, not on a misfit or a silence.
 */
export function assignmentsAlong(block: JsonRecord, edge: BlockEdge): Assignment[] {
  if (block.type === 'wait' && edge.kind !== 'next' && edge.kind !== 'choice') return [];
  // An http block's `save` only on a 2xx.
  if (block.type === 'http') return edge.kind === 'next' ? httpSaves(block) : [];
  return assignmentsOf(block);
}

function said(record: unknown, field: FieldPath, out: TemplateField[]): void {
  if (!isRecord(record)) return;
  const key = field[field.length - 1] as string;
  const text = stringField(record, key);
  if (text !== undefined) out.push({ text, field, said: true });
}

/** The right-hand sides of a predicate's comparisons that are templates (all but `matches`, a regex). */
function predicateTemplates(predicate: unknown, field: FieldPath, out: TemplateField[]): void {
  walkPredicate(predicate, field, (comparison, at) => {
    if (comparison.op !== 'matches' && typeof comparison.value === 'string')
      out.push({ text: comparison.value, field: [...at, 'value'], said: false });
  });
}

/** Calls `visit` for every comparison (`{var, op, value}`) in a predicate that may be malformed. */
export function walkPredicate(predicate: unknown, field: FieldPath, visit: (comparison: JsonRecord, field: FieldPath) => void): void {
  if (!isRecord(predicate)) return;
  for (const combinator of ['all', 'any'] as const) {
    const parts = predicate[combinator];
    if (Array.isArray(parts)) {
      parts.forEach((part: unknown, i) => walkPredicate(part, [...field, combinator, i], visit));
      return;
    }
  }
  if ('not' in predicate) {
    walkPredicate(predicate.not, [...field, 'not'], visit);
    return;
  }
  visit(predicate, field);
}

/** Every case's `when` of a condition block, with its field. */
export function conditionPredicates(block: JsonRecord): Array<{ when: unknown; field: FieldPath }> {
  if (block.type !== 'condition' || !Array.isArray(block.cases)) return [];
  return block.cases.map((entry: unknown, i) => ({ when: isRecord(entry) ? entry.when : undefined, field: ['cases', i, 'when'] }));
}

/** The texts of one block that are rendered with placeholders, in document order. */
export function templatesOf(block: unknown): TemplateField[] {
  if (!isRecord(block)) return [];
  const out: TemplateField[] = [];
  switch (block.type) {
    case 'message':
    case 'end':
      said(block, ['text'], out);
      break;
    case 'wait':
      said(block.invalid, ['invalid', 'text'], out);
      said(block.noReply, ['noReply', 'text'], out);
      break;
    case 'set':
      if (!isRecord(block.assign)) break;
      for (const [name, value] of Object.entries(block.assign)) {
        if (typeof value === 'string') out.push({ text: value, field: ['assign', name], said: false });
        else if (isRecord(value) && Array.isArray(value.add)) {
          value.add.forEach((operand: unknown, i) => {
            if (typeof operand === 'string') out.push({ text: operand, field: ['assign', name, 'add', i], said: false });
          });
        }
      }
      break;
    case 'condition':
      for (const { when, field } of conditionPredicates(block)) predicateTemplates(when, field, out);
      break;
    case 'http':
      if (typeof block.url === 'string') out.push({ text: block.url, field: ['url'], said: false, secrets: true });
      if (isRecord(block.headers)) {
        for (const [name, value] of Object.entries(block.headers)) {
          if (typeof value === 'string') out.push({ text: value, field: ['headers', name], said: false, secrets: true });
        }
      }
      jsonStrings(block.body, ['body'], out);
      break;
  }
  return out;
}

/** Every string inside a JSON value (an http block's body), with its field; keys are not templates. */
function jsonStrings(value: unknown, field: FieldPath, out: TemplateField[]): void {
  if (typeof value === 'string') out.push({ text: value, field, said: false, secrets: true });
  else if (Array.isArray(value)) value.forEach((item: unknown, i) => jsonStrings(item, [...field, i], out));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) jsonStrings(item, [...field, key], out);
}

/** The variables a block reads by name: a condition's `var`s. */
export function variableReadsOf(block: unknown): VariableRead[] {
  if (!isRecord(block)) return [];
  const out: VariableRead[] = [];
  for (const { when, field } of conditionPredicates(block)) {
    walkPredicate(when, field, (comparison, at) => {
      const name = stringField(comparison, 'var');
      if (name !== undefined) out.push({ name, op: stringField(comparison, 'op') ?? '', field: [...at, 'var'] });
    });
  }
  return out;
}

/**
 * Every variable the flow can set: the builtins and every block's assignments. Whether a variable is
 * set on every path to where it is used is another question (rules/dataflow.ts).
 */
export function variableInventory(blocks: readonly BlockEntry[]): ReadonlySet<string> {
  const names = new Set(BUILTIN_VARIABLES);
  for (const { block } of blocks) for (const assignment of assignmentsOf(block)) names.add(assignment.name);
  return names;
}
