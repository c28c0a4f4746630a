import { applyAssignments, compare, foldText, holds, matchChoice, parseAnswer, parseDecimal, PatternCache } from '../../src/flow/semantics';
import { MAX_PATTERN_INPUT_CHARS } from '../../src/flow/semantics/patterns';
import type { Comparison, Predicate, Scalar } from '../../src/flow/types';

const patterns = new PatternCache();
const is = (op: Comparison['op'], left: Scalar | undefined, value?: Scalar, more: Record<string, Scalar> = {}): boolean =>
  compare({ var: 'x', op, ...(value !== undefined ? { value } : {}) }, { ...more, ...(left !== undefined ? { x: left } : {}) }, patterns);

describe('condition operators', () => {
  it('eq/ne: numbers as numbers when both sides are numbers', () => {
    expect(is('eq', 18, 18)).toBe(true);
    expect(is('eq', '18', 18)).toBe(true);
    expect(is('eq', ' 18.0 ', '18')).toBe(true);
    expect(is('eq', 0.1 + 0.2, 0.3)).toBe(false);
    expect(is('ne', 5, 6)).toBe(true);
    expect(is('ne', '5', 5)).toBe(false);
  });

  it('eq/ne: otherwise text, trimmed and case-folded', () => {
    expect(is('eq', '  Paris ', 'paris')).toBe(true);
    expect(is('eq', 'STRASSE', 'straße')).toBe(true);
    expect(is('eq', 'Ｓ', 's')).toBe(true); // full-width
    expect(is('eq', 'Paris', 'Pariss')).toBe(false);
    expect(is('eq', true, 'TRUE')).toBe(true);
    expect(is('eq', true, true)).toBe(true);
    expect(is('eq', '18a', 18)).toBe(false);
    expect(is('ne', 'a', 'A')).toBe(false);
  });

  it('contains, startsWith, endsWith: case-insensitive text', () => {
    expect(is('contains', 'I live in LYON', 'lyon')).toBe(true);
    expect(is('contains', 'nomaybe', 'yes')).toBe(false);
    expect(is('startsWith', 'Lyon 3e', 'lyon')).toBe(true);
    expect(is('startsWith', 'xlyon', 'lyon')).toBe(false);
    expect(is('endsWith', 'Gare de LYON', 'lyon')).toBe(true);
    expect(is('endsWith', 42, 2)).toBe(true);
  });

  it('matches: a case-insensitive regular expression, searched, and never over the input cap', () => {
    expect(is('matches', 'Lyon', '^lyon')).toBe(true);
    expect(is('matches', 'a Lyon', '^lyon')).toBe(false);
    expect(is('matches', 'code 123', '\\d{3}')).toBe(true);
    expect(is('matches', 'x'.repeat(MAX_PATTERN_INPUT_CHARS + 1), 'x')).toBe(false);
    expect(is('matches', 'x'.repeat(MAX_PATTERN_INPUT_CHARS), 'x')).toBe(true);
    expect(is('matches', 'a', '(')).toBe(false); // a pattern that does not compile never matches
  });

  it('gt, gte, lt, lte: numbers only, false when either side is not one', () => {
    expect(is('gt', 19, 18)).toBe(true);
    expect(is('gte', '18', 18)).toBe(true);
    expect(is('lt', -1.5, '-1')).toBe(true);
    expect(is('lte', 3, 3)).toBe(true);
    expect(is('gt', 'abc', 1)).toBe(false);
    expect(is('lt', 'abc', 1)).toBe(false);
    expect(is('gt', true, 0)).toBe(false);
    expect(is('gte', undefined, 0)).toBe(false);
    expect(is('lt', undefined, 0)).toBe(false);
  });

  it('isSet and isEmpty', () => {
    expect(is('isSet', undefined)).toBe(false);
    expect(is('isSet', '')).toBe(true);
    expect(is('isSet', 0)).toBe(true);
    expect(is('isEmpty', undefined)).toBe(true);
    expect(is('isEmpty', '  ')).toBe(true);
    expect(is('isEmpty', 0)).toBe(false);
    expect(is('isEmpty', false)).toBe(false);
  });

  it('unset variables: text "" for text operators, no number for numeric ones', () => {
    expect(is('eq', undefined, '')).toBe(true);
    expect(is('eq', undefined, 0)).toBe(false);
    expect(is('ne', undefined, 'x')).toBe(true);
    expect(is('contains', undefined, 'x')).toBe(false);
    expect(compare({ var: 'constructor', op: 'isSet' }, {}, patterns)).toBe(false);
  });

  it('renders placeholders in a string value', () => {
    expect(is('gte', 20, '{{limit}}', { limit: 18 })).toBe(true);
    expect(is('eq', 'Ada', '{{name|ada}}')).toBe(true);
    expect(is('lt', 20, '{{limit}}', { limit: 18 })).toBe(false);
  });

  it('combines with all, any and not', () => {
    const p: Predicate = {
      all: [{ var: 'a', op: 'gt', value: 1 }, { any: [{ var: 'b', op: 'eq', value: 'x' }, { not: { var: 'c', op: 'isSet' } }] }],
    };
    expect(holds(p, { a: 2, b: 'y' }, patterns)).toBe(true);
    expect(holds(p, { a: 2, b: 'y', c: 1 }, patterns)).toBe(false);
    expect(holds(p, { a: 2, b: 'X', c: 1 }, patterns)).toBe(true);
    expect(holds(p, { a: 1, b: 'x' }, patterns)).toBe(false);
  });
});

describe('set values', () => {
  it('renders templates, keeps numbers and booleans, adds numbers, in the order written', () => {
    expect(
      applyAssignments(
        { tries: { add: ['{{tries|0}}', 1] }, greeting: 'Hello {{name}}, try {{tries}}', vip: true, n: 2.5, junk: { add: ['abc', 2] } },
        { name: 'Ada' },
      ),
    ).toEqual({ name: 'Ada', tries: 1, greeting: 'Hello Ada, try 1', vip: true, n: 2.5, junk: 2 });
    expect(applyAssignments({ tries: { add: ['{{tries}}', 1] } }, { tries: 41 })).toEqual({ tries: 42 });
    expect(applyAssignments({ big: { add: [1e308, '1e308'] } }, {})).toEqual({ big: 1e308 }); // "1e308" is not decimal text: 0
    expect(applyAssignments({ big: { add: [1e308, 1e308] } }, {})).toEqual({ big: 0 }); // no Infinity in JSON
  });
});

describe('typed answers', () => {
  const answer = (type: string, text: string, extra: Record<string, unknown> = {}): Scalar | undefined =>
    parseAnswer({ type, ...extra } as never, text, patterns);

  it('numbers: decimal text, normalised', () => {
    expect(answer('number', '  42 ')).toBe(42);
    expect(answer('number', '-3.5')).toBe(-3.5);
    expect(answer('number', '.5')).toBe(0.5);
    for (const bad of ['', 'abc', '0x10', '1e3', 'Infinity', '1,5', '4 2', '9'.repeat(400)]) expect(answer('number', bad)).toBeUndefined();
    expect(answer('number', '11', { min: 1, max: 10 })).toBeUndefined();
    expect(answer('number', '10', { min: 1, max: 10 })).toBe(10);
    expect(parseDecimal('+7')).toBe(7);
  });

  it('integers: whole numbers within min and max', () => {
    expect(answer('integer', '7')).toBe(7);
    expect(answer('integer', '7.0')).toBe(7);
    expect(answer('integer', '7.5')).toBeUndefined();
    expect(answer('integer', '0', { min: 1 })).toBeUndefined();
    expect(answer('integer', '99999999999999999')).toBeUndefined(); // not a safe integer
  });

  it('email, date and pattern', () => {
    expect(answer('email', ' ada@example.com ')).toBe('ada@example.com');
    for (const bad of ['ada', 'ada@localhost', 'a b@example.com', '@example.com']) expect(answer('email', bad)).toBeUndefined();
    expect(answer('date', '2026-3-5')).toBe('2026-03-05');
    expect(answer('date', '15.03.2026')).toBe('2026-03-15');
    expect(answer('date', '2026/02/29')).toBeUndefined();
    expect(answer('date', '2024/02/29')).toBe('2024-02-29');
    expect(answer('date', '03/15/2026')).toBeUndefined(); // month or day first? not guessed
    expect(answer('pattern', ' AB1234 ', { pattern: '^[a-z]{2}\\d{4}$' })).toBe('AB1234');
    expect(answer('pattern', 'AB12', { pattern: '^[a-z]{2}\\d{4}$' })).toBeUndefined();
    expect(answer('text', '  hi ')).toBe('hi');
    expect(answer('choice', 'anything')).toBeUndefined();
  });
});

describe('choices', () => {
  const choices = [{ label: 'Small', value: 'S' }, { label: 'Large', value: 'L' }, { label: 'No' }];

  it('matches the whole text, trimmed and case-folded, by label or value', () => {
    expect(matchChoice(choices, 'small')).toBe(0);
    expect(matchChoice(choices, ' LARGE ')).toBe(1);
    expect(matchChoice(choices, 'l')).toBe(1);
    expect(matchChoice(choices, 'NO')).toBe(2);
  });

  it('never matches a substring (the Botpress bug: "no" inside "nomaybe")', () => {
    expect(matchChoice(choices, 'nomaybe')).toBe(-1);
    expect(matchChoice(choices, 'a small one')).toBe(-1);
    expect(matchChoice(choices, 'Smal')).toBe(-1);
    expect(matchChoice(choices, '   ')).toBe(-1);
  });

  it('folds text once for all of them', () => {
    expect(foldText('  ÉCOLE ')).toBe('école');
  });
});
