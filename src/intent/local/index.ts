/**
 * The embedded local intent classifier.
 *
 * Approach, in one paragraph: the message is normalised (unicode, contractions, chat shorthand,
 * emoji), tokenised and lemmatised by wink-nlp, typos in words the English model does not know are
 * corrected against the block's words, and every remaining content word or shared-lexicon phrase
 * becomes a unit, weighted by how rare the word is, marked when the user ruled it out ("not the
 * weather"). Each intent's description, examples, id and synonyms are processed the same way, once
 * per block. Units are aligned softly by general-purpose word vectors (GloVe): an intent's score is
 * an F-score of how much of the message its best text explains and how much of that text the
 * message covers. A threshold that depends on the number of examples decides `none`, and a fitted
 * logistic function turns scores into a confidence.
 */
export { LocalIntentClassifier, AbortError, DEFAULT_CACHE_SIZE } from './local-classifier';
export type { Classification, LocalClassifierOptions } from './local-classifier';
export { EnglishAnalyzer } from './english';
export { WordVectors } from './word-vectors';
