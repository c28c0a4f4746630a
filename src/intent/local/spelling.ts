/**
 * Typo correction against a known vocabulary (the lexicon's words plus the words of the block's
 * descriptions and examples). Only words the English model does not know are corrected, so real
 * words are never "fixed" into other real words ("joke" stays "joke", not "coke").
 */
import { osaDistance } from '../../util/edit-distance';
import { LruCache } from '../../util/lru';

export interface Correction {
  word: string;
  distance: number;
}

/** Short words get one edit, long ones two: "wether" -> "weather" but not "cat" -> "car" -> ... */
export function maxEditsFor(word: string): number {
  if (word.length < 4) return 0;
  return word.length >= 8 ? 2 : 1;
}

/** A vocabulary bucketed by length so a lookup only scans words that can be within reach. */
export class Vocabulary {
  private readonly byLength = new Map<number, string[]>();
  private readonly words = new Set<string>();
  private readonly memo = new LruCache<string, Correction | null>({ maxEntries: 2000 });

  constructor(words: Iterable<string>) {
    for (const word of words) {
      if (this.words.has(word) || !/^\p{L}+$/u.test(word)) continue;
      this.words.add(word);
      const bucket = this.byLength.get(word.length) ?? [];
      bucket.push(word);
      this.byLength.set(word.length, bucket);
    }
    // Sorted buckets make tie-breaking (first best wins) independent of insertion order.
    for (const bucket of this.byLength.values()) bucket.sort();
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The closest word within the edit budget; ties prefer the same first letter. */
  closest(word: string): Correction | null {
    const memoized = this.memo.get(word);
    if (memoized !== undefined) return memoized;
    const max = maxEditsFor(word);
    let best: Correction | null = null;
    let bestSameStart = false;
    for (let len = word.length - max; len <= word.length + max; len += 1) {
      for (const candidate of this.byLength.get(len) ?? []) {
        const distance = osaDistance(word, candidate, best ? Math.min(best.distance, max) : max);
        if (distance > max) continue;
        const sameStart = candidate[0] === word[0];
        if (!best || distance < best.distance || (distance === best.distance && sameStart && !bestSameStart)) {
          best = { word: candidate, distance };
          bestSameStart = sameStart;
        }
      }
    }
    this.memo.set(word, best);
    return best;
  }
}

/**
 * Corrects against the block's own words first (a typo of a word the flow author used is the most
 * likely reading), then against the general lexicon, keeping whichever is strictly closer.
 */
export function correctWord(word: string, local: Vocabulary, general: Vocabulary): string | null {
  if (maxEditsFor(word) === 0) return null;
  const a = local.closest(word);
  const b = general.closest(word);
  if (a && (!b || a.distance <= b.distance)) return a.word;
  return b ? b.word : null;
}
