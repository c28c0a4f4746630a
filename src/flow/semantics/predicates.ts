import { renderTemplate, scalarText, variableValue, type Variables } from '../template';
import type { Comparison, Predicate, Scalar } from '../types';
import { foldText } from './fold';
import { numberOf } from './numbers';
import type { PatternCache } from './patterns';

/**
 * What a `condition` case's `when` means: a small, closed set of operators over variables. No
 * expression language and no `eval`: a predicate is data, and this is its only interpreter.
 */
export function holds(predicate: Predicate, variables: Variables, patterns: PatternCache): boolean {
  if ('all' in predicate) return predicate.all.every((p) => holds(p, variables, patterns));
  if ('any' in predicate) return predicate.any.some((p) => holds(p, variables, patterns));
  if ('not' in predicate) return !holds(predicate.not, variables, patterns);
  return compare(predicate, variables, patterns);
}

/** The right-hand side: a string is a template, rendered with the same variables. */
function operand(value: Scalar | undefined, variables: Variables): Scalar | undefined {
  return typeof value === 'string' ? renderTemplate(value, variables) : value;
}

function textOf(value: Scalar | undefined): string {
  return value === undefined ? '' : scalarText(value);
}

/** `eq`: numbers as numbers when both sides are numbers, otherwise text, trimmed and case-folded. */
function equal(left: Scalar | undefined, right: Scalar | undefined): boolean {
  const a = numberOf(left);
  const b = numberOf(right);
  if (a !== undefined && b !== undefined) return a === b;
  return foldText(textOf(left)) === foldText(textOf(right));
}

/** Numbers only: false when either side is not a number. */
function ordered(left: Scalar | undefined, right: Scalar | undefined, test: (a: number, b: number) => boolean): boolean {
  const a = numberOf(left);
  const b = numberOf(right);
  return a !== undefined && b !== undefined && test(a, b);
}

export function compare(comparison: Comparison, variables: Variables, patterns: PatternCache): boolean {
  const left = variableValue(variables, comparison.var);
  switch (comparison.op) {
    case 'isSet':
      return left !== undefined;
    case 'isEmpty':
      return left === undefined || textOf(left).trim() === '';
    case 'matches':
      // The value is a regular expression, not a template: it was checked for safety as written.
      return typeof comparison.value === 'string' && patterns.test(comparison.value, textOf(left));
    default:
      break;
  }
  const right = operand(comparison.value, variables);
  switch (comparison.op) {
    case 'eq':
      return equal(left, right);
    case 'ne':
      return !equal(left, right);
    case 'contains':
      return foldText(textOf(left)).includes(foldText(textOf(right)));
    case 'startsWith':
      return foldText(textOf(left)).startsWith(foldText(textOf(right)));
    case 'endsWith':
      return foldText(textOf(left)).endsWith(foldText(textOf(right)));
    case 'gt':
      return ordered(left, right, (a, b) => a > b);
    case 'gte':
      return ordered(left, right, (a, b) => a >= b);
    case 'lt':
      return ordered(left, right, (a, b) => a < b);
    case 'lte':
      return ordered(left, right, (a, b) => a <= b);
  }
}
