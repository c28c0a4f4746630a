/** What a conversation reports, in order. Transports turn these into frames; storage into rows. */

export interface StepInfo {
  /** null for the first step into the start block. */
  from: string | null;
  to: string;
  /** `start`, `next`, `user.message`, `intent.matched`, `intent.noMatch`, `intent.maxNoMatch`, `intent.error`. */
  event: string;
  intent?: string;
  provider?: string;
  fallbackReason?: string;
  latencyMs?: number;
  /** Of the detection, where the provider has one: how likely its answer is right, in [0, 1]. */
  confidence?: number;
  /** The second-best intent of the detection and its score. */
  runnerUp?: string;
  runnerUpScore?: number;
  /** Why detection failed, for `intent.error` steps. */
  error?: string;
}

export type ConversationEvent =
  | { type: 'user_message'; text: string; blockId: string; at: Date }
  | { type: 'bot_message'; text: string; blockId: string; at: Date }
  | { type: 'step'; step: StepInfo; at: Date }
  | { type: 'waiting'; blockId: string; at: Date }
  | { type: 'end'; blockId: string; at: Date }
  | { type: 'error'; code: string; message: string; at: Date };

export type TurnOutcome = 'waiting' | 'ended' | 'failed';

/**
 * Everything that happened from one stable point to the next (start → first wait, user message →
 * next wait or end). The owner stores a turn before it shows any of it to the user.
 */
export interface Turn {
  events: ConversationEvent[];
  outcome: TurnOutcome;
  /** The block the conversation waits at or ended at; null if it failed before reaching one. */
  blockId: string | null;
  variables: Record<string, string>;
  /** Persisted actor snapshot to resume from; only at a waiting point, null otherwise. */
  snapshot: unknown;
  /** True for the turn that announces a restored conversation (it holds only the `waiting` event). */
  resumed: boolean;
}
