import type { Choice, Expect, Scalar } from '../types';
import { foldText } from './fold';
import { parseDecimal } from './numbers';
import type { PatternCache } from './patterns';

/** The value a choice stores: its `value`, else its label. */
export function choiceValue(choice: Choice): string {
  return choice.value ?? choice.label;
}

/**
 * The choice a user's text picks: the text equals a choice's label or value after trimming and case
 * folding. Whole text only, never a substring: "no" does not pick "nomaybe", and "nomaybe" does not
 * pick "no". Validation refuses choices that two of them would share (`duplicate_choice`).
 */
export function matchChoice(choices: readonly Choice[], text: string): number {
  const folded = foldText(text);
  if (folded === '') return -1;
  return choices.findIndex(
    (choice) => foldText(choice.label) === folded || (choice.value !== undefined && foldText(choice.value) === folded),
  );
}

/**
 * An email address as the HTML standard's `<input type="email">` takes one (WHATWG, "valid e-mail
 * address"), except that the domain must have a dot: a chatbot's user has no mail on `localhost`.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/** A date written year first (`2026-03-15`, `2026/3/15`, `2026.03.15`) or day first with dots (`15.03.2026`). */
const YEAR_FIRST = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** `YYYY-MM-DD` of a calendar date that exists (no 30 February), or undefined. */
function isoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function parseDate(text: string): string | undefined {
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) return isoDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
  const dayFirst = DAY_FIRST.exec(text);
  if (dayFirst) return isoDate(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
  return undefined;
}

function inRange(value: number, expect: Expect): boolean {
  return (expect.min === undefined || value >= expect.min) && (expect.max === undefined || value <= expect.max);
}

/**
 * The normalised value of an answer that fits `expect`, or undefined when it does not fit. Choices
 * are matched before this (see matchChoice); `choice` itself takes nothing else.
 */
export function parseAnswer(expect: Expect, text: string, patterns: PatternCache): Scalar | undefined {
  const trimmed = text.trim();
  switch (expect.type) {
    case 'text':
      return trimmed;
    case 'number': {
      const value = parseDecimal(trimmed);
      return value !== undefined && inRange(value, expect) ? value : undefined;
    }
    case 'integer': {
      const value = parseDecimal(trimmed);
      return value !== undefined && Number.isSafeInteger(value) && inRange(value, expect) ? value : undefined;
    }
    case 'email':
      return EMAIL.test(trimmed) ? trimmed : undefined;
    case 'date':
      return parseDate(trimmed);
    case 'pattern':
      return expect.pattern !== undefined && patterns.test(expect.pattern, trimmed) ? trimmed : undefined;
    case 'choice':
      return undefined;
  }
}

/** What the bot says to an answer that does not fit, when the block has no `invalid.text`. */
export function defaultInvalidText(expect: Expect, choices: readonly Choice[] | undefined): string {
  const range = (what: string): string => {
    if (expect.min !== undefined && expect.max !== undefined) return `${what} from ${expect.min} to ${expect.max}`;
    if (expect.min !== undefined) return `${what} of at least ${expect.min}`;
    if (expect.max !== undefined) return `${what} of at most ${expect.max}`;
    return what;
  };
  switch (expect.type) {
    case 'number':
      return `Please answer with a ${range('number')}.`;
    case 'integer':
      return `Please answer with a ${range('whole number')}.`;
    case 'email':
      return 'Please answer with an email address, like name@example.com.';
    case 'date':
      return 'Please answer with a date, like 2026-03-15.';
    case 'choice':
      return `Please choose one of: ${(choices ?? []).map((c) => c.label).join(', ')}.`;
    default:
      return 'Sorry, that answer does not fit. Please try again.';
  }
}
