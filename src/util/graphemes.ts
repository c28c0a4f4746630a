/**
 * Counting text the way a person does: in grapheme clusters (what a reader sees as one character),
 * not UTF-16 code units. "👍🏽", "é" written as e + U+0301 and a flag are one character each; JavaScript's
 * `length` says 4, 2 and 4. Intl.Segmenter implements the Unicode rules (UAX #29) and ships with Node
 * and every current browser, so any client can count alike with
 * `new Intl.Segmenter(undefined, { granularity: 'grapheme' })`.
 *
 * The segmenter is only ever given short pieces of a text. V8's segment iterator does work in
 * proportion to the whole string at every step (so iterating a string costs its length squared, and
 * each segment keeps a copy of the input alive): a 64 KiB message would stall the event loop for
 * seconds. A boundary that the segmenter finds inside a piece, with the piece's text on both sides of
 * it, is a boundary of the whole text; only the piece's last cluster may go on past its end, so each
 * next piece starts where that cluster starts.
 */

import { countCodePoints } from './code-points';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * Code units segmented at a time. Each segment() call costs ~14 µs to set up and each step grows with
 * the piece: 256 measured best (~1 ms to find the 2,001st cluster of a 64 KiB text, warm, Node 20).
 */
const PIECE = 256;

/** The start index of every grapheme cluster of `text`, in order, in time linear in its length. */
function* clusterStarts(text: string): Generator<number> {
  let from = 0;
  let size = PIECE;
  while (from < text.length) {
    const to = Math.min(text.length, from + size);
    const starts: number[] = [];
    for (const { index } of segmenter.segment(text.slice(from, to))) starts.push(from + index);
    if (to === text.length) {
      yield* starts;
      return;
    }
    if (starts.length === 1) {
      // One cluster longer than the piece (a letter with many combining marks): look further.
      size *= 2;
      continue;
    }
    const last = starts.pop() as number;
    yield* starts;
    from = last;
    size = PIECE;
  }
}

/** Printable ASCII (the common case) is one cluster per code unit: no need to segment it. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The number of grapheme clusters in `text`, counting at most up to `stopAfter` + 1. */
export function countGraphemes(text: string, stopAfter = Infinity): number {
  if (PRINTABLE_ASCII.test(text)) return Math.min(text.length, stopAfter + 1);
  let count = 0;
  for (const _ of clusterStarts(text)) {
    count += 1;
    if (count > stopAfter) break;
  }
  return count;
}

/** True when `text` has more than `max` grapheme clusters; segments no more of it than it must. */
export function exceedsGraphemes(text: string, max: number): boolean {
  // A cluster is at least one code point (and one code unit): a text with no more of those than `max`
  // is within it, which settles almost every message without segmenting anything.
  if (text.length <= max || countCodePoints(text, max) <= max) return false;
  return countGraphemes(text, max) > max;
}

/** The first `max` grapheme clusters of `text` (never half an emoji), or `text` itself when it is not longer. */
export function cutGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  for (const start of clusterStarts(text)) {
    if (count === max) return text.slice(0, start);
    count += 1;
  }
  return text;
}
