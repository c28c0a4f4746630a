/**
 * From raw alignment scores to a decision and a confidence.
 *
 * The raw score of an off-topic message grows with the number of examples (more texts, more chances
 * of a near word), so one constant threshold is too cautious with no examples and too eager with
 * many. The threshold is therefore a function of the examples per intent, fitted on CLINC150's
 * training and validation splits (see bench/eval-intents.ts): `base + perLogExample * ln(1 + K)`.
 *
 * The confidence is a logistic function of how far the best score is above that threshold and how
 * far ahead of the runner-up it is, fitted on the same data: it estimates how often an answer with
 * those scores was right. For `none` it is the estimated chance that no option fits.
 */
export interface CalibrationOptions {
  thresholdBase: number;
  thresholdPerLogExample: number;
  /** Upper bound of the threshold, however many examples. */
  thresholdMax: number;
  /** Logistic confidence: bias + aboveThreshold * (best - threshold) + margin * (best - second). */
  confidenceBias: number;
  confidenceAbove: number;
  confidenceMargin: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = {
  thresholdBase: 0.314,
  thresholdPerLogExample: 0.075,
  thresholdMax: 0.75,
  confidenceBias: -1.041,
  confidenceAbove: 8.258,
  confidenceMargin: 8.293,
};

export function thresholdFor(examplesPerIntent: number, c: CalibrationOptions = DEFAULT_CALIBRATION): number {
  return Math.min(c.thresholdMax, c.thresholdBase + c.thresholdPerLogExample * Math.log1p(examplesPerIntent));
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Chance that an intent with score `score` is the right answer, given the runner-up's score. */
export function matchProbability(score: number, runnerUp: number, threshold: number, c: CalibrationOptions = DEFAULT_CALIBRATION): number {
  return logistic(c.confidenceBias + c.confidenceAbove * (score - threshold) + c.confidenceMargin * (score - runnerUp));
}
