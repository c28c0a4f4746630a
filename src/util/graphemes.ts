/**
 * Counting text the way a person does: in grapheme clusters (what a reader sees as one character),
 * not UTF-16 code units. "👍🏽", "é" written as e + U+0301 and a flag are one character each; JavaScript's
 * `length` says 4, 2 and 4. Intl.Segmenter implements the Unicode rules (UAX #29) and ships with Node
 * and every current browser, so the server and the web page count alike: the page calls the same
 * `new Intl.Segmenter(undefined, { granularity: 'grapheme' })` and counts its segments.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The number of grapheme clusters in `text`, counting at most up to `stopAfter` (enough to tell that a
 * text is too long without segmenting all of a 64 KiB frame).
 */
export function countGraphemes(text: string, stopAfter = Infinity): number {
  // A cluster is at least one code unit: a text no longer than the limit in code units is within it.
  if (text.length <= stopAfter) {
    // Printable ASCII (the common case) is one cluster per code unit: no need to segment it.
    if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  }
  let count = 0;
  for (const _ of segmenter.segment(text)) {
    count += 1;
    if (count > stopAfter) break;
  }
  return count;
}

/** The first `max` grapheme clusters of `text` (never a half emoji), or `text` itself when it is not longer. */
export function cutGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  for (const { index } of segmenter.segment(text)) {
    if (count === max) return text.slice(0, index);
    count += 1;
  }
  return text;
}
