/**
 * The embedded intent classifier: no network, deterministic, well under a millisecond per message.
 * See index.ts for the approach.
 */
import { NO_INTENT } from '../../flow/types';
import type { IntentCandidate, IntentDetector, IntentRequest, IntentResult, IntentScore } from '../detector';
import { type CalibrationOptions, DEFAULT_CALIBRATION, probability, thresholdFor } from './calibration';
import { ConceptIndex } from './concept-index';
import { EnglishAnalyzer } from './english';
import { DEFAULT_FEATURE_OPTIONS, type FeatureOptions, Featurizer } from './features';
import { LruCache } from '../../util/lru';
import { buildOptionSet, type OptionSet } from './option-set';
import { DEFAULT_SCORING_OPTIONS, scoreUnits, type ScoringOptions } from './scoring';
import { correctWord, Vocabulary } from './spelling';
import { FILLER_WORDS, FUNCTION_WORDS, WEAK_WORDS } from './stopwords';
import { WordVectors } from './word-vectors';

export interface Classification {
  /** An intent id or `none`. */
  intent: string;
  /** How likely the answer is right, in [0, 1]; for `none`, that no option fits. */
  confidence: number;
  /** Every option, best first, with its calibrated score in [0, 1]. */
  ranking: IntentScore[];
  /** Raw alignment scores in the block's order, for debugging and calibration. */
  scores: ReadonlyArray<{ id: string; score: number }>;
  /** The `none` threshold used for this block. */
  threshold: number;
}

export interface LocalClassifierOptions {
  /** A fixed `none` threshold on the raw score instead of the calibrated one (for experiments). */
  threshold?: number;
  /** How many blocks' precomputed data to keep. */
  cacheSize?: number;
  /** Share one loaded English model between instances (it takes ~200 ms to load). */
  analyzer?: EnglishAnalyzer;
  /** Share the loaded word vectors between instances. */
  vectors?: WordVectors;
  features?: Partial<FeatureOptions>;
  scoring?: Partial<ScoringOptions>;
  calibration?: Partial<CalibrationOptions>;
}

export const DEFAULT_CACHE_SIZE = 256;

/** Rejection reason when the request's signal is aborted; matches what fetch & co. throw. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor(message = 'Intent detection aborted') {
    super(message);
  }
}

export class LocalIntentClassifier implements IntentDetector {
  readonly name = 'local' as const;
  /** Milliseconds spent loading the English model, the word vectors and the lexicon. */
  readonly loadTimeMs: number;
  private readonly fixedThreshold: number | undefined;
  private readonly featurizer: Featurizer;
  private readonly vectors: WordVectors;
  private readonly scoring: ScoringOptions;
  private readonly calibration: CalibrationOptions;
  private readonly generalVocabulary: Vocabulary;
  private readonly optionSets: LruCache<string, OptionSet>;

  constructor(options: LocalClassifierOptions = {}) {
    const started = performance.now();
    const analyzer = options.analyzer ?? new EnglishAnalyzer();
    this.vectors = options.vectors ?? new WordVectors();
    const concepts = new ConceptIndex(analyzer);
    this.featurizer = new Featurizer(analyzer, concepts, this.vectors, { ...DEFAULT_FEATURE_OPTIONS, ...options.features });
    this.scoring = { ...DEFAULT_SCORING_OPTIONS, ...options.scoring };
    this.calibration = { ...DEFAULT_CALIBRATION, ...options.calibration };
    this.generalVocabulary = new Vocabulary([...concepts.vocabulary, ...FUNCTION_WORDS, ...FILLER_WORDS, ...WEAK_WORDS]);
    this.fixedThreshold = options.threshold;
    this.optionSets = new LruCache({ maxEntries: options.cacheSize ?? DEFAULT_CACHE_SIZE });
    this.loadTimeMs = performance.now() - started;
  }

  /** Number of blocks whose precomputed data is cached (for tests and monitoring). */
  get cachedOptionSets(): number {
    return this.optionSets.size;
  }

  detect(request: IntentRequest): Promise<IntentResult> {
    if (request.signal?.aborted) return Promise.reject(abortReason(request.signal));
    try {
      return Promise.resolve(this.detectNow(request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  detectNow(request: Omit<IntentRequest, 'signal'>): IntentResult {
    const { intent, confidence, ranking } = this.classify(request.text, request.intents, request.cacheKey);
    return { intent, provider: this.name, confidence, ranking };
  }

  /**
   * Synchronous core of detect(). Without a cacheKey the intents' content is the key, so callers
   * that pass the same options repeatedly still hit the cache.
   */
  classify(text: string, intents: readonly IntentCandidate[], cacheKey?: string): Classification {
    if (intents.length === 0) return { intent: NO_INTENT, confidence: 1, ranking: [], scores: [], threshold: 0 };
    const key = cacheKey ?? `content:${JSON.stringify(intents.map((i) => [i.id, i.description, i.examples ?? [], i.synonyms ?? []]))}`;
    const set = this.optionSets.getOrCreate(key, () => buildOptionSet(intents, this.featurizer, this.vectors));
    const units = this.featurizer.units(text, (word) =>
      set.vocabulary.has(word) || this.generalVocabulary.has(word) ? null : correctWord(word, set.vocabulary, this.generalVocabulary),
    );
    const { perIntent } = scoreUnits(units, set, this.vectors, this.scoring);
    const scores = set.profiles.map((p, i) => ({ id: p.id, score: perIntent[i] ?? 0 }));
    const threshold = this.fixedThreshold ?? thresholdFor(set.examplesPerIntent, this.calibration);
    // Stable sort: ties keep the block's order, so the intent listed first wins and answers stay deterministic.
    const ordered = [...scores].sort((a, b) => b.score - a.score);
    const best = ordered[0];
    const second = ordered[1]?.score ?? 0;
    const { match, none } = this.calibration;
    // Each intent's chance of being right, against its closest rival (the runner-up for the best one).
    const ranking = ordered.map((s, i) => ({
      intent: s.id,
      score: round(probability(match, s.score, i === 0 ? second : (best?.score ?? 0), threshold)),
    }));
    if (!best || best.score < threshold) {
      const confidence = best ? probability(none, best.score, second, threshold) : 1;
      return { intent: NO_INTENT, confidence: round(confidence), ranking, scores, threshold };
    }
    return { intent: best.id, confidence: ranking[0]?.score ?? 0, ranking, scores, threshold };
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new AbortError();
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
