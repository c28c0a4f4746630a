/**
 * Scores a message against a block's intents by soft word alignment, as BERTScore does with
 * contextual vectors, here with word vectors: each message word finds its closest word in an
 * intent's text (1 for the same word, less for a related one, by cosine), and each of the text's
 * words finds its closest message word.
 *
 * - precision: how much of the message the text explains. Off-topic words lower it, which is what
 *   makes `none` detectable without negative examples;
 * - recall: how much of the text the message covers, weighted by how distinctive each word is
 *   within the block. It separates close intents ("oil change when" vs "oil change how") and a
 *   sibling intent that shares the domain's words but not the point;
 * - per intent, the best text's F-score, mixed with the precision against all its texts together,
 *   which lets evidence from several examples add up.
 * A word the user ruled out counts against the intents it matches.
 */
import type { Unit } from './features';
import type { OptionSet } from './option-set';
import { centroidOf, dot, type WordVectors } from './word-vectors';

export interface ScoringOptions {
  /** Cosines at or below this count as unrelated. */
  cosineFloor: number;
  /** Similarity of two words that are related (cosine 1 would be this), below an exact match. */
  relatedCeiling: number;
  /** Similarity of two words that share a concept of the built-in lexicon. */
  conceptSimilarity: number;
  /** Share of the best text's F-score in an intent's score (the rest: precision against all texts). */
  bestTextShare: number;
  /** Weight of recall in the F-score (F-beta with beta = recallWeight). */
  recallWeight: number;
  /** Share of the sentence-vector cosine (best text) in a text's score. */
  sentenceShare: number;
  /** Sentence cosines at or below this count as unrelated. */
  sentenceFloor: number;
}

export const DEFAULT_SCORING_OPTIONS: ScoringOptions = {
  cosineFloor: 0.15,
  relatedCeiling: 0.9,
  conceptSimilarity: 0.9,
  bestTextShare: 0.5,
  recallWeight: 1,
  sentenceShare: 0.3,
  sentenceFloor: 0.3,
};

export interface Scores {
  /** Per intent, in the block's order, in [0, 1]. */
  perIntent: number[];
  /** Total weight of the message's positive words; 0 when nothing meaningful was said. */
  mass: number;
}

/**
 * The cosine part of a message word's similarity row: cached per block and word, since the same
 * words come back message after message.
 */
function cosineRow(vector: number, set: OptionSet, vectors: WordVectors, o: ScoringOptions): Float32Array {
  const cached = set.cosineRows.get(vector);
  if (cached) return cached;
  const row = new Float32Array(set.entries.length);
  const v = vectors.unitVector(vector);
  const dims = v.length;
  const { matrix, hasVector } = set;
  const span = 1 - o.cosineFloor;
  for (let e = 0, base = 0; e < row.length; e += 1, base += dims) {
    if (hasVector[e] === 0) continue;
    let c = 0;
    for (let d = 0; d < dims; d += 1) c += (v[d] as number) * (matrix[base + d] as number);
    if (c > o.cosineFloor) row[e] = ((c - o.cosineFloor) / span) * o.relatedCeiling;
  }
  set.cosineRows.set(vector, row);
  return row;
}

/** similarity[m][e]: how close message unit m is to block entry e, in [0, 1]. */
function similarities(units: readonly Unit[], set: OptionSet, vectors: WordVectors, o: ScoringOptions): Float32Array[] {
  return units.map((unit) => {
    const row =
      unit.vector >= 0 && unit.soft ? Float32Array.from(cosineRow(unit.vector, set, vectors, o)) : new Float32Array(set.entries.length);
    for (const key of unit.keys) {
      const exact = key.startsWith('c:') ? o.conceptSimilarity : 1;
      for (const e of set.byKey.get(key) ?? []) if ((row[e] as number) < exact) row[e] = exact;
    }
    return row;
  });
}

function bestIn(row: Float32Array, entries: Int32Array): number {
  let best = 0;
  for (let i = 0; i < entries.length; i += 1) {
    const s = row[entries[i] as number] as number;
    if (s > best) best = s;
  }
  return best;
}

export function scoreUnits(
  units: readonly Unit[],
  set: OptionSet,
  vectors: WordVectors,
  o: ScoringOptions = DEFAULT_SCORING_OPTIONS,
): Scores {
  const mass = units.reduce((sum, u) => (u.negated ? sum : sum + u.weight), 0);
  // "I don't want the weather": once the ruled-out words are gone, grammar alone matches nothing.
  if (!units.some((u) => !u.negated && !u.grammar)) return { perIntent: set.profiles.map(() => 0), mass: 0 };
  const sim = similarities(units, set, vectors, o);
  // Recall looks up, per entry, its closest positive message word: the same for every text.
  const covered = new Float32Array(set.entries.length);
  units.forEach((unit, m) => {
    if (unit.negated) return;
    const row = sim[m] as Float32Array;
    for (let e = 0; e < covered.length; e += 1) if ((row[e] as number) > (covered[e] as number)) covered[e] = row[e] as number;
  });
  const signed = units.map((u) => (u.negated ? -u.weight : u.weight));
  const beta2 = o.recallWeight * o.recallWeight;
  const centroid = o.sentenceShare > 0 ? centroidOf(units, vectors) : null;
  const perIntent = set.profiles.map((profile) => {
    let unionEvidence = 0;
    for (let m = 0; m < units.length; m += 1) unionEvidence += (signed[m] as number) * bestIn(sim[m] as Float32Array, profile.entries);
    let bestF = 0;
    for (const text of profile.texts) {
      let evidence = 0;
      for (let m = 0; m < units.length; m += 1) evidence += (signed[m] as number) * bestIn(sim[m] as Float32Array, text.entries);
      const precision = evidence / mass;
      if (precision <= 0) continue;
      let hit = 0;
      for (let k = 0; k < text.entries.length; k += 1)
        hit += (text.recallWeights[k] as number) * (covered[text.entries[k] as number] as number);
      const recall = text.recallMass > 0 ? hit / text.recallMass : 0;
      let f = recall > 0 ? ((1 + beta2) * precision * recall) / (beta2 * precision + recall) : 0;
      if (centroid && text.centroid) {
        const c = Math.max(0, (dot(centroid, text.centroid) - o.sentenceFloor) / (1 - o.sentenceFloor));
        f = (1 - o.sentenceShare) * f + o.sentenceShare * c;
      }
      if (f > bestF) bestF = f;
    }
    const score = o.bestTextShare * bestF + (1 - o.bestTextShare) * Math.max(0, unionEvidence / mass);
    return Math.min(1, Math.max(0, score));
  });
  return { perIntent, mass };
}
