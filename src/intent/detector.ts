import type { Deadline } from './resilience/deadline';

/**
 * Intent detection is a strategy: the runtime asks one IntentDetector and does not know whether the
 * answer came from the embedded local classifier, an LLM, or a fallback between the two.
 */

/** One option the user's message may mean (an intent of an `intent` block). */
export interface IntentCandidate {
  id: string;
  description: string;
  examples?: readonly string[];
  /** Words or short phrases that mean this intent in this bot; strategies may use them as hints. */
  synonyms?: readonly string[];
}

export interface IntentRequest {
  /** The user's message, as typed. */
  text: string;
  /** The options of the block; the answer is one of their ids or `none`. */
  intents: readonly IntentCandidate[];
  /**
   * Identifies the option set (flow version + block id) so that strategies can cache work per block,
   * e.g. the local classifier's precomputed vectors or an LLM answer cache. Same key => same intents.
   */
  cacheKey: string;
  /** Aborted when the conversation leaves the block or closes: stop working and reject. */
  signal?: AbortSignal;
  /**
   * The caller's deadline for this detection, when it keeps one (the resilient detector), `signal`
   * being its signal: a strategy with a budget of its own that is not shorter keeps to this one
   * instead of starting a second timer and AbortController for the same detection.
   */
  deadline?: Deadline;
}

export type IntentProviderName = 'local' | 'openai';

export interface IntentResult {
  /** One of the request's intent ids, or `none` (NO_INTENT). */
  intent: string;
  /** Which strategy produced the answer. */
  provider: IntentProviderName;
  /**
   * 0..1: how likely the answer is right (for `none`: that no option fits). The local classifier
   * calibrates it; strategies without a notion of confidence leave it out.
   */
  confidence?: number;
  /**
   * The options, best first, with a score in [0, 1] each (the chosen one's score is its confidence
   * when it matched). `ranking[1]` is the runner-up. A strategy that only knows its choice lists that one.
   */
  ranking?: readonly IntentScore[];
  /** Set when the configured provider failed and another one answered instead (e.g. `timeout`). */
  fallbackReason?: string;
}

export interface IntentScore {
  intent: string;
  score: number;
}

export interface IntentDetector {
  readonly name: IntentProviderName;
  /** Resolves with an answer, or rejects only when no answer can be had at all. */
  detect(request: IntentRequest): Promise<IntentResult>;
  /**
   * Offered by strategies that never wait (the local classifier): the same answer as detect(), at
   * once, or a throw where detect() would reject. The runtime then runs a detection without a
   * promise or an abort signal (there is nothing to abort).
   */
  detectNow?(request: Omit<IntentRequest, 'signal'>): IntentResult;
}
