/**
 * From raw alignment scores to a decision and a confidence.
 *
 * The raw score of an off-topic message grows with the number of examples (more texts, more chances
 * of a near word), so one constant threshold is too cautious with no examples and too eager with
 * many. The threshold is therefore a function of the examples per intent, fitted on CLINC150's
 * training utterances (see bench/tune-intents.ts): `base + perLogExample * ln(1 + K)`, the best
 * threshold for each K from 0 to 30 lying on that curve within 0.02.
 *
 * Confidences are logistic functions of how far a score is above the threshold and how far ahead of
 * its closest rival it is, fitted on the same data with in-scope and off-topic messages weighted
 * 43:57 (as in the evaluation): `match` estimates the chance that an intent is the right answer (the
 * ranking's scores, and the confidence of a match), `none`, fitted on the messages below the
 * threshold, the chance that no option fits (the confidence of `none`).
 */
export interface Logistic {
  bias: number;
  /** Per unit of (score - threshold). */
  above: number;
  /** Per unit of (score - runner-up score). */
  margin: number;
}

export interface CalibrationOptions {
  thresholdBase: number;
  thresholdPerLogExample: number;
  /** Upper bound of the threshold, however many examples. */
  thresholdMax: number;
  match: Logistic;
  none: Logistic;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = {
  thresholdBase: 0.293,
  thresholdPerLogExample: 0.075,
  thresholdMax: 0.75,
  match: { bias: -1.23, above: 11.748, margin: 5.28 },
  none: { bias: -0.467, above: -17.044, margin: 2.263 },
};

export function thresholdFor(examplesPerIntent: number, c: CalibrationOptions = DEFAULT_CALIBRATION): number {
  return Math.min(c.thresholdMax, c.thresholdBase + c.thresholdPerLogExample * Math.log1p(examplesPerIntent));
}

/** The model's estimate for an intent scoring `score` whose closest rival scores `rival`. */
export function probability(model: Logistic, score: number, rival: number, threshold: number): number {
  return 1 / (1 + Math.exp(-(model.bias + model.above * (score - threshold) + model.margin * (score - rival))));
}
