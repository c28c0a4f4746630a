import { countGraphemes, cutGraphemes } from '../../src/util/graphemes';

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
  ])('counts %s as a person does', (_name, text, expected) => {
    expect(countGraphemes(text)).toBe(expected);
  });

  it('stops counting past the limit it is asked about', () => {
    expect(countGraphemes('👍'.repeat(5000), 2000)).toBe(2001);
    expect(countGraphemes('👍'.repeat(2000), 2000)).toBe(2000);
  });
});

describe('cutGraphemes', () => {
  it('cuts at a cluster boundary, never inside an emoji', () => {
    expect(cutGraphemes('👍🏽👍🏽👍🏽', 2)).toBe('👍🏽👍🏽');
    expect(cutGraphemes('abc', 5)).toBe('abc');
    expect(cutGraphemes('abcdef', 3)).toBe('abc');
  });
});
