import fc from 'fast-check';
import { countGraphemes, cutGraphemes, exceedsGraphemes } from '../../src/util/graphemes';

/** The reference: Intl.Segmenter over the whole text at once. */
function reference(text: string): string[] {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
}

describe('countGraphemes', () => {
  it.each<[string, string, number]>([
    ['plain ASCII', 'hello world', 11],
    ['an emoji outside the BMP', '👍', 1],
    ['an emoji with a skin tone', '👍🏽', 1],
    ['a family (ZWJ sequence)', '👨‍👩‍👧‍👦', 1],
    ['a flag', '🇵🇹', 1],
    ['e + combining acute', 'e\u0301', 1],
    ['CR LF', 'a\r\nb', 3],
    ['Hangul jamo', '\u1100\u1161\u11a8', 1],
    ['the empty string', '', 0],
    ['a letter with 500 combining marks', `a${'\u0301'.repeat(500)}b`, 2],
    ['50 flags in a row', '🇵🇹'.repeat(50), 50],
  ])('counts %s as a person does', (_name, text, expected) => {
    expect(countGraphemes(text)).toBe(expected);
  });

  it('agrees with Intl.Segmenter over the whole text, for texts far longer than the pieces it segments', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('👨‍👩‍👧‍👦', '🇵🇹', '🇵', '👍🏽', 'e\u0301', '\r\n', '\u200d', 'क्‍ष', `o${'\u0308'.repeat(70)}`),
    );
    const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const expected = reference(t);
        expect(countGraphemes(t)).toBe(expected.length);
        const cut = Math.floor(expected.length / 2);
        expect(cutGraphemes(t, cut)).toBe(expected.slice(0, cut).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('stops counting past the limit it is asked about', () => {
    expect(countGraphemes('👍'.repeat(5000), 2000)).toBe(2001);
    expect(countGraphemes('x'.repeat(5000), 2000)).toBe(2001);
    expect(countGraphemes('👍'.repeat(2000), 2000)).toBe(2000);
  });
});

describe('exceedsGraphemes', () => {
  it('tells a text over the limit from one within it, counting what a person counts', () => {
    expect(exceedsGraphemes('👍🏽'.repeat(2000), 2000)).toBe(false);
    expect(exceedsGraphemes('👍'.repeat(2001), 2000)).toBe(true);
    expect(exceedsGraphemes('é'.repeat(32_000), 2000)).toBe(true);
    expect(exceedsGraphemes('', 1)).toBe(false);
  });
});

describe('cutGraphemes', () => {
  it('cuts at a cluster boundary, never inside an emoji', () => {
    expect(cutGraphemes('👍🏽👍🏽👍🏽', 2)).toBe('👍🏽👍🏽');
    expect(cutGraphemes('abc', 5)).toBe('abc');
    expect(cutGraphemes('abcdef', 3)).toBe('abc');
  });
});
