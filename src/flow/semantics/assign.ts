import { renderTemplate, type Variables } from '../template';
import type { AssignValue, Scalar } from '../types';
import { numberOf } from './numbers';

/** One value of a `set` block: a template is rendered, `{add: [a, b]}` summed, other scalars kept. */
export function assignedValue(value: AssignValue, variables: Variables): Scalar {
  if (typeof value === 'string') return renderTemplate(value, variables);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const [a, b] = value.add;
  const sum = addend(a, variables) + addend(b, variables);
  // JSON (snapshots, the history) has no Infinity: an overflowing sum counts as 0, like any non-number.
  return Number.isFinite(sum) ? sum : 0;
}

/** A number, or a template whose text is a number; anything else counts as 0. */
function addend(value: string | number, variables: Variables): number {
  return numberOf(typeof value === 'string' ? renderTemplate(value, variables) : value) ?? 0;
}

/**
 * The variables after a `set` block: assignments run in the order written, so a later value may use
 * an earlier one (`{"a": 1, "b": "{{a}}"}` sets b to "1").
 */
export function applyAssignments(assign: Readonly<Record<string, AssignValue>>, variables: Variables): Record<string, Scalar> {
  const next: Record<string, Scalar> = { ...variables };
  for (const [name, value] of Object.entries(assign)) next[name] = assignedValue(value, next);
  return next;
}
