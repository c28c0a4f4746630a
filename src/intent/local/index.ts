/**
 * The embedded local intent classifier.
 *
 * Approach, in one paragraph: the message is normalised (unicode, contractions, chat shorthand,
 * emoji), tokenised and lemmatised by wink-nlp, typos in words the English model does not know are
 * corrected against the block's and the lexicon's words, and every remaining content word or lexicon
 * phrase becomes a unit with exact-word features and concept features from a generic chatbot
 * lexicon. Each intent's description and examples are processed the same way into a feature set,
 * once per block. An intent's score is the IDF-weighted share of the message it explains; below a
 * calibrated threshold the answer is `none`.
 */
export { LocalIntentClassifier, AbortError, DEFAULT_THRESHOLD, DEFAULT_CACHE_SIZE } from './local-classifier';
export type { Classification, LocalClassifierOptions } from './local-classifier';
export { EnglishAnalyzer } from './english';
