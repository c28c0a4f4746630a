import { type BlockEntry, isRecord, stringField } from './document';
import type { FieldPath } from './edges';

/**
 * Where a flow's variables come from and where they are used, per block type: the inventory that the
 * variable rules (`reserved_variable`, `unknown_variable`) read. A block type that assigns variables
 * (a future `set` or `http` block) adds a case to `assignmentsOf`; one that renders text adds one to
 * `templatesOf`. Placeholder syntax itself lives in ./template.
 */

/** Variables the runtime sets itself on every message: `lastMessage`, and `intent` (the id last detected). */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set(['lastMessage', 'intent']);

/** A variable a block assigns, and the field that names it. */
export interface Assignment {
  name: string;
  field: FieldPath;
}

/** A text of a block that is rendered as a template, and its field. */
export interface TemplateField {
  text: string;
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
    default:
      return [];
  }
}

/** The texts of one block that are rendered with placeholders. */
export function templatesOf(block: unknown): TemplateField[] {
  if (!isRecord(block)) return [];
  switch (block.type) {
    case 'message':
    case 'end': {
      const text = stringField(block, 'text');
      return text === undefined ? [] : [{ text, field: ['text'] }];
    }
    default:
      return [];
  }
}

/**
 * Every variable the flow can set: the builtins and every block's assignments. Whether a variable is
 * set on every path to where it is used is another question (a path-sensitive rule, not this one).
 */
export function variableInventory(blocks: readonly BlockEntry[]): ReadonlySet<string> {
  const names = new Set(BUILTIN_VARIABLES);
  for (const { block } of blocks) for (const assignment of assignmentsOf(block)) names.add(assignment.name);
  return names;
}
