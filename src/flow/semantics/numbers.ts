import type { Scalar } from '../types';

/**
 * A decimal number as people type one: an optional sign, digits, an optional fraction after a point
 * (`42`, `-3.5`, `.5`). Written out, not left to `Number()`, which also takes `""`, `0x10`, `1e3` and
 * `Infinity`. A comma is not taken: `1,000` means a thousand to some and one to others.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** The number a text means, after trimming; undefined when it is not one (or too large to be finite). */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** A variable or value as a number: a number is one, a text that parses as one is one; else undefined. */
export function numberOf(value: Scalar | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseDecimal(value);
  return undefined;
}
