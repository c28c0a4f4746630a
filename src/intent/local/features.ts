/**
 * Text -> "units": one per meaningful word or lexicon phrase, each carrying the features it can
 * match an intent on. A unit is scored by its best-matching feature, so a word that matches both
 * exactly and by concept is not counted twice, and a phrase counts once however long it is.
 */
import type { AnalyzedToken, EnglishAnalyzer } from './english';
import type { ConceptIndex } from './concept-index';
import { normalizeText } from './normalize';
import { FILLER_WORDS, FUNCTION_WORDS, WEAK_WORDS } from './stopwords';

/** Feature keys: `w:<lemma or surface form>` for exact words, `c:<concept>` for lexicon concepts. */
export type FeatureKey = string;

export interface Unit {
  features: readonly FeatureKey[];
  /** Multiplies the unit's weight: weak words and negations count less than content words. */
  scale: number;
  /** Weight when no feature is known to the block: how much an unexplained unit argues for `none`. */
  unknownWeight: number;
}

/** How much an exact word match counts relative to a concept (synonym) match. */
export const FEATURE_KIND_WEIGHT = { word: 1, concept: 0.85 } as const;

export function featureKindWeight(key: FeatureKey): number {
  return key.startsWith('c:') ? FEATURE_KIND_WEIGHT.concept : FEATURE_KIND_WEIGHT.word;
}

const WEAK_SCALE = 0.4;
const NEGATION_SCALE = 0.5;
/** Names of places and people are frequent in requests ("flights to Rome") and rarely decisive. */
const PROPER_NOUN_UNKNOWN_WEIGHT = 0.4;
/** Gibberish or an uncorrectable typo: some evidence of off-topic, but less than a real word. */
const OOV_UNKNOWN_WEIGHT = 0.6;
const NEGATIONS: ReadonlySet<string> = new Set(['not', "n't", 'never', 'no', 'without']);

/** Replaces a misspelt word, or returns null to keep it. */
export type Corrector = (word: string) => string | null;

export class Featurizer {
  constructor(
    private readonly analyzer: EnglishAnalyzer,
    private readonly concepts: ConceptIndex,
  ) {}

  /** Words of a text (surface forms and lemmas), for the block's spelling vocabulary. */
  wordsOf(text: string): string[] {
    const out: string[] = [];
    for (const t of this.analyzer.analyze(normalizeText(text))) {
      if (t.kind === 'word') out.push(t.normal, t.lemma);
    }
    return out;
  }

  units(text: string, correct?: Corrector): Unit[] {
    const normalized = normalizeText(text);
    if (normalized === '') return [];
    let tokens = this.analyzer.analyze(normalized);
    if (correct) tokens = this.corrected(normalized, tokens, correct);
    return this.toUnits(tokens.filter((t) => t.kind !== 'other'));
  }

  /** Re-analyzes with typos fixed, so the fixed words get proper lemmas and tags. */
  private corrected(normalized: string, tokens: AnalyzedToken[], correct: Corrector): AnalyzedToken[] {
    const fixes = new Map<string, string>();
    for (const t of tokens) {
      if (t.kind !== 'word' || !t.oov || fixes.has(t.normal) || !/^\p{L}+$/u.test(t.normal)) continue;
      const fix = correct(t.normal);
      if (fix && fix !== t.normal) fixes.set(t.normal, fix);
    }
    if (fixes.size === 0) return tokens;
    const fixed = normalized.replace(/\p{L}+/gu, (w) => fixes.get(w.toLowerCase()) ?? w);
    return this.analyzer.analyze(fixed).map((t) => (fixes.has(t.normal) ? { ...t, oov: true } : t));
  }

  private toUnits(tokens: readonly AnalyzedToken[]): Unit[] {
    const units: Unit[] = [];
    for (let i = 0; i < tokens.length;) {
      const phrase = this.concepts.phraseAt(tokens, i);
      if (phrase) {
        const features = phrase.concepts.map((c) => `c:${c}`);
        for (let j = i; j < i + phrase.normals.length; j += 1) {
          const t = tokens[j];
          if (t && !isDropped(t)) features.push(...wordFeatures(t));
        }
        units.push({ features: unique(features), scale: 1, unknownWeight: 1 });
        i += phrase.normals.length;
        continue;
      }
      const token = tokens[i];
      i += 1;
      if (!token || token.kind !== 'word') continue;
      const unit = this.tokenUnit(token);
      if (unit) units.push(unit);
    }
    return units;
  }

  private tokenUnit(t: AnalyzedToken): Unit | null {
    if (NEGATIONS.has(t.normal)) {
      return { features: ['c:negation', ...this.conceptFeatures(t)], scale: NEGATION_SCALE, unknownWeight: 1 };
    }
    if (isDropped(t)) return null;
    const features = unique([...wordFeatures(t), ...this.conceptFeatures(t)]);
    const weak = WEAK_WORDS.has(t.normal) || WEAK_WORDS.has(t.lemma);
    let unknownWeight = 1;
    if (t.pos === 'PROPN') unknownWeight = PROPER_NOUN_UNKNOWN_WEIGHT;
    else if (t.oov) unknownWeight = OOV_UNKNOWN_WEIGHT;
    return { features, scale: weak ? WEAK_SCALE : 1, unknownWeight };
  }

  private conceptFeatures(t: AnalyzedToken): string[] {
    return this.concepts.conceptsOf(t).map((c) => `c:${c}`);
  }
}

function isDropped(t: AnalyzedToken): boolean {
  return (
    FUNCTION_WORDS.has(t.normal) ||
    FILLER_WORDS.has(t.normal) ||
    (t.lemma !== t.normal && (FUNCTION_WORDS.has(t.lemma) || FILLER_WORDS.has(t.lemma)))
  );
}

function wordFeatures(t: AnalyzedToken): string[] {
  return t.lemma === t.normal ? [`w:${t.normal}`] : [`w:${t.normal}`, `w:${t.lemma}`];
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
