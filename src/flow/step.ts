/**
 * One move of a conversation through its flow: the runtime reports it, storage keeps it, the history
 * API shows it. Defined here, in the flow model both depend on, because the compiled machine is what
 * names the moves (its `step` actions carry `from`, `to` and `event`).
 */
export interface Step {
  /** null for the first step into the start block. */
  from: string | null;
  to: string;
  /**
   * What moved the conversation: `start`, `next` (a message or set block went on), `user.message` (an
   * answer: free text, or a typed answer that fits), `choice`, `answer.invalid` (a misfit, asked
   * again), `answer.maxTries`, `silence` (asked again after a silence), `silence.maxTimes`,
   * `condition.case`, `condition.else`, `intent.matched`, `intent.noMatch`, `intent.maxNoMatch`,
   * `intent.error`, `http.ok` (an http block's call answered 2xx), `http.error` (it did not).
   */
  event: string;
  /** Which case of the condition block held (0-based), for `condition.case` steps. */
  case?: number;
  /** The value of the choice the user picked, for `choice` steps. */
  choice?: string;
  /** The intent detected (an id of the block, or `none`), for the `intent.*` steps that had an answer. */
  intent?: string;
  /** Which strategy answered (`local`, `openai`). */
  provider?: string;
  /** 0..1, when the strategy that answered has a notion of confidence (the local classifier). */
  confidence?: number;
  /** The second-best intent of the detection, and its score (where the provider ranks its answers). */
  runnerUp?: string;
  runnerUpScore?: number;
  /** Why another provider answered (e.g. `timeout`), when one did. */
  fallbackReason?: string;
  /** How long detection (or an http call) took, in milliseconds. */
  latencyMs?: number;
  /** Why detection failed outright, for `intent.error` steps; why the call failed, for `http.error` steps. */
  error?: string;
  /** The method of an http block's call (`http.*` steps). */
  method?: string;
  /** The URL it called, every secret replaced by `***`. */
  url?: string;
  /** The status code of its answer, when there was one. */
  status?: number;
  /** How it failed (`http.error` steps): `timeout`, `network`, `blocked`, `status`, `too_large` or `invalid_json`. */
  httpError?: string;
}
