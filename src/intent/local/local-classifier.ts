/**
 * The embedded intent classifier: no network, deterministic, tens of microseconds per message.
 * See README-style notes in index.ts for the approach.
 */
import { NO_INTENT } from '../../flow/types';
import type { IntentCandidate, IntentDetector, IntentRequest, IntentResult } from '../detector';
import { ConceptIndex } from './concept-index';
import { EnglishAnalyzer } from './english';
import { Featurizer } from './features';
import { LruCache } from './lru';
import { buildOptionSet, type OptionSet } from './option-set';
import { scoreUnits } from './scoring';
import { correctWord, Vocabulary } from './spelling';
import { FILLER_WORDS, FUNCTION_WORDS, WEAK_WORDS } from './stopwords';

export interface Classification {
  /** An intent id or `none`. */
  intent: string;
  /** Score of the chosen intent, or for `none` 1 minus the best intent's score. In [0, 1]. */
  confidence: number;
  /** Per-intent scores in the block's order, for debugging and calibration. */
  scores: ReadonlyArray<{ id: string; score: number }>;
}

export interface LocalClassifierOptions {
  /**
   * Below this score the answer is `none`. Calibrated on the dev sets in test/intent/fixtures
   * (accuracy plateau 0.45-0.50): off-topic messages mostly score 0, on-topic ones 0.5-1. At 0.45
   * one synonym-matched word next to one unknown word (0.85 / 1.85 = 0.46) still counts as a match.
   */
  threshold?: number;
  /** How many blocks' precomputed data to keep. */
  cacheSize?: number;
  /** Share one loaded English model between instances (it takes ~200 ms to load). */
  analyzer?: EnglishAnalyzer;
}

export const DEFAULT_THRESHOLD = 0.45;
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
  /** Milliseconds spent loading the English model and compiling the lexicon in the constructor. */
  readonly loadTimeMs: number;
  private readonly threshold: number;
  private readonly featurizer: Featurizer;
  private readonly generalVocabulary: Vocabulary;
  private readonly optionSets: LruCache<string, OptionSet>;

  constructor(options: LocalClassifierOptions = {}) {
    const started = performance.now();
    const analyzer = options.analyzer ?? new EnglishAnalyzer();
    const concepts = new ConceptIndex(analyzer);
    this.featurizer = new Featurizer(analyzer, concepts);
    this.generalVocabulary = new Vocabulary([...concepts.vocabulary, ...FUNCTION_WORDS, ...FILLER_WORDS, ...WEAK_WORDS]);
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.optionSets = new LruCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.loadTimeMs = performance.now() - started;
  }

  /** Number of blocks whose precomputed data is cached (for tests and monitoring). */
  get cachedOptionSets(): number {
    return this.optionSets.size;
  }

  detect(request: IntentRequest): Promise<IntentResult> {
    if (request.signal?.aborted) return Promise.reject(abortReason(request.signal));
    try {
      const { intent, confidence } = this.classify(request.text, request.intents, request.cacheKey);
      return Promise.resolve({ intent, provider: this.name, confidence });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Synchronous core of detect(). Without a cacheKey the intents' content is the key, so callers
   * that pass the same options repeatedly still hit the cache.
   */
  classify(text: string, intents: readonly IntentCandidate[], cacheKey?: string): Classification {
    if (intents.length === 0) return { intent: NO_INTENT, confidence: 1, scores: [] };
    const key = cacheKey ?? `content:${JSON.stringify(intents.map((i) => [i.id, i.description, i.examples ?? []]))}`;
    const set = this.optionSets.getOrCreate(key, () => buildOptionSet(intents, this.featurizer));
    const units = this.featurizer.units(text, (word) =>
      set.vocabulary.has(word) || this.generalVocabulary.has(word) ? null : correctWord(word, set.vocabulary, this.generalVocabulary),
    );
    const { perIntent } = scoreUnits(units, set);
    const scores = set.profiles.map((p, i) => ({ id: p.id, score: perIntent[i] ?? 0 }));
    // Strictly greater: ties go to the intent listed first, which keeps answers deterministic.
    let best: { id: string; score: number } | undefined;
    for (const s of scores) if (!best || s.score > best.score) best = s;
    if (!best || best.score < this.threshold) {
      return { intent: NO_INTENT, confidence: round(1 - (best?.score ?? 0)), scores };
    }
    return { intent: best.id, confidence: round(best.score), scores };
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
