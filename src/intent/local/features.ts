/**
 * Text -> "units": one per meaningful word or lexicon phrase. A unit carries the keys it matches
 * exactly on (its surface form, its lemma, the shared lexicon's concepts), the word whose vector
 * stands for its meaning, how much it says (rare words more than common ones) and whether the user
 * ruled it out ("not the weather").
 */
import type { AnalyzedToken, EnglishAnalyzer } from './english';
import type { ConceptIndex } from './concept-index';
import { markNegations } from './negation';
import { normalizeText } from './normalize';
import { FILLER_WORDS, FUNCTION_WORDS, WEAK_WORDS } from './stopwords';
import type { WordVectors } from './word-vectors';

export interface Unit {
  /** `w:<form>` for exact words, `c:<concept>` for the shared lexicon's concepts. */
  keys: readonly string[];
  /** Word-vector id of the unit's meaning, or -1 (a phrase, a name, a typo the vectors lack). */
  vector: number;
  /** How much the unit says: content words 1 scaled down by frequency, weak words less. */
  weight: number;
  /** True when the user ruled this out: it argues against the intents it matches. */
  negated: boolean;
  /**
   * Whether the unit matches related words by vector; grammar words ("you", "can") only match
   * themselves: their vectors say little, and skipping them keeps detection fast.
   */
  soft: boolean;
  /** A grammar or request word: it adds to a match, but cannot make one alone. */
  grammar: boolean;
}

export interface FeatureOptions {
  /** Smooth inverse frequency: weight = a / (a + p(word)), p from the word's frequency rank. */
  sifA: number;
  weakScale: number;
  /** Scale of grammar and request words ("you", "can", "want"); 0 drops them. */
  functionScale: number;

  /** Weight of a word the vectors do not know (a name, a typo, gibberish). */
  unknownWordWeight: number;
  /** Weight of a number: "what is 7 x 7" and "what is 78 times 85" share their numbers' role. */
  numberWeight: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  sifA: 1e-3,
  weakScale: 0.7,
  functionScale: 0.3,
  unknownWordWeight: 0.7,
  numberWeight: 0.3,
};

/** Every number matches every other number: its role ("22 + 6", "at 7"), not its value, is the point. */
const NUMBER_KEY = 'n:number';

/** Replaces a misspelt word, or returns null to keep it. */
export type Corrector = (word: string) => string | null;

/** Harmonic number of the vocabulary size: turns a Zipf rank into a probability. */
function zipfNormaliser(size: number): number {
  return Math.log(size) + 0.5772;
}

export class Featurizer {
  private readonly harmonic: number;

  constructor(
    private readonly analyzer: EnglishAnalyzer,
    private readonly concepts: ConceptIndex,
    private readonly vectors: WordVectors,
    private readonly options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
  ) {
    this.harmonic = zipfNormaliser(vectors.size);
  }

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
    return this.toUnits(tokens);
  }

  /** How much a word of this vector id says; rarer words say more. */
  informativeness(vector: number): number {
    if (vector < 0) return this.options.unknownWordWeight;
    const p = 1 / ((vector + 10) * this.harmonic);
    return this.options.sifA / (this.options.sifA + p);
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
    const { negated, cue, refusal } = markNegations(tokens);
    const units: Unit[] = [];
    for (let i = 0; i < tokens.length;) {
      const phrase = this.concepts.phraseAt(tokens, i);
      if (phrase) {
        const keys = phrase.concepts.map((c) => `c:${c}`);
        for (let j = i; j < i + phrase.normals.length; j += 1) {
          const t = tokens[j];
          if (t && !isDropped(t)) keys.push(...wordKeys(t));
        }
        units.push({ keys: unique(keys), vector: -1, weight: 1, negated: negated[i] ?? false, soft: false, grammar: false });
        i += phrase.normals.length;
        continue;
      }
      const token = tokens[i];
      const isCue = cue[i] ?? false;
      const isNegated = negated[i] ?? false;
      i += 1;
      if (token?.kind === 'number' && this.options.numberWeight > 0) {
        units.push({ keys: [NUMBER_KEY], vector: -1, weight: this.options.numberWeight, negated: isNegated, soft: false, grammar: true });
        continue;
      }
      if (!token || token.kind !== 'word' || isCue) continue;
      if (isDropped(token)) {
        if (this.options.functionScale > 0) units.push(this.tokenUnit(token, isNegated, this.options.functionScale, true));
        continue;
      }
      units.push(this.tokenUnit(token, isNegated));
    }
    // "I don't want my order", with nothing wanted instead, is calling it off: the shared concept.
    if (refusal && !units.some((u) => !u.negated && !u.grammar)) {
      units.push({ keys: ['c:cancel'], vector: -1, weight: 1, negated: false, soft: false, grammar: false });
    }
    return units;
  }

  private tokenUnit(t: AnalyzedToken, negated: boolean, scale = 1, grammar = false): Unit {
    const keys = unique([...wordKeys(t), ...this.concepts.conceptsOf(t).map((c) => `c:${c}`)]);
    let vector = this.vectors.id(t.lemma);
    if (vector < 0) vector = this.vectors.id(t.normal);
    const weak = WEAK_WORDS.has(t.normal) || WEAK_WORDS.has(t.lemma);
    const weight = this.informativeness(vector) * (weak ? this.options.weakScale : 1) * scale;
    return { keys, vector, weight, negated, soft: !grammar, grammar };
  }
}

function isDropped(t: AnalyzedToken): boolean {
  return (
    FUNCTION_WORDS.has(t.normal) ||
    FILLER_WORDS.has(t.normal) ||
    (t.lemma !== t.normal && (FUNCTION_WORDS.has(t.lemma) || FILLER_WORDS.has(t.lemma)))
  );
}

function wordKeys(t: AnalyzedToken): string[] {
  return t.lemma === t.normal ? [`w:${t.normal}`] : [`w:${t.normal}`, `w:${t.lemma}`];
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
