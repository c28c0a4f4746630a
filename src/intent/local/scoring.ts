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
  /** Exponent on distinctiveness in recall weights. */
  distinctivenessPower: number;
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
  distinctivenessPower: 1,
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

/** similarity[m][e]: how close message unit m is to block entry e, in [0, 1]. */
function similarities(units: readonly Unit[], set: OptionSet, vectors: WordVectors, o: ScoringOptions): Float32Array[] {
  const span = 1 - o.cosineFloor;
  return units.map((unit) => {
    const row = new Float32Array(set.entries.length);
    if (unit.vector >= 0) {
      const v = vectors.unitVector(unit.vector);
      set.entries.forEach((entry, e) => {
        if (!entry.vector) return;
        const c = dot(v, entry.vector);
        if (c > o.cosineFloor) row[e] = ((c - o.cosineFloor) / span) * o.relatedCeiling;
      });
    }
    for (const key of unit.keys) {
      const exact = key.startsWith('c:') ? o.conceptSimilarity : 1;
      for (const e of set.byKey.get(key) ?? []) if ((row[e] ?? 0) < exact) row[e] = exact;
    }
    return row;
  });
}

export function scoreUnits(units: readonly Unit[], set: OptionSet, vectors: WordVectors, o: ScoringOptions = DEFAULT_SCORING_OPTIONS): Scores {
  const mass = units.reduce((sum, u) => (u.negated ? sum : sum + u.weight), 0);
  if (mass === 0) return { perIntent: set.profiles.map(() => 0), mass };
  const sim = similarities(units, set, vectors, o);
  const beta2 = o.recallWeight * o.recallWeight;
  const centroid = o.sentenceShare > 0 ? centroidOf(units, vectors) : null;
  const perIntent = set.profiles.map((profile) => {
    // Precision against the union of the intent's texts.
    let unionEvidence = 0;
    units.forEach((unit, m) => {
      const row = sim[m];
      if (!row) return;
      let best = 0;
      for (const e of profile.entries) if ((row[e] ?? 0) > best) best = row[e] ?? 0;
      unionEvidence += (unit.negated ? -1 : 1) * unit.weight * best;
    });
    let bestF = 0;
    for (const text of profile.texts) {
      let evidence = 0;
      units.forEach((unit, m) => {
        const row = sim[m];
        if (!row) return;
        let best = 0;
        for (const e of text.entries) if ((row[e] ?? 0) > best) best = row[e] ?? 0;
        evidence += (unit.negated ? -1 : 1) * unit.weight * best;
      });
      const precision = evidence / mass;
      if (precision <= 0) continue;
      let covered = 0;
      let total = 0;
      text.entries.forEach((e, k) => {
        const w = (text.weights[k] ?? 0) * (set.distinctiveness[e] ?? 1) ** o.distinctivenessPower;
        let best = 0;
        units.forEach((unit, m) => {
          if (!unit.negated && (sim[m]?.[e] ?? 0) > best) best = sim[m]?.[e] ?? 0;
        });
        covered += w * best;
        total += w;
      });
      const recall = total > 0 ? covered / total : 0;
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
