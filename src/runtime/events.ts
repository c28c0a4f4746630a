/** What a conversation reports, in order. Transports turn these into frames; storage into rows. */
import type { Step } from '../flow/step';
import type { Scalar } from '../flow/types';

export type ConversationEvent =
  | { type: 'user_message'; text: string; blockId: string; at: Date }
  | { type: 'bot_message'; text: string; blockId: string; at: Date }
  | { type: 'step'; step: Step; at: Date }
  /** `choices`: the buttons of the wait block, when it has some. */
  /** `choicesOnly`: the block takes nothing but one of its choices (`expect: {type: "choice"}`). */
  | { type: 'waiting'; blockId: string; choices?: WaitingChoice[]; choicesOnly?: true; at: Date }
  | { type: 'end'; blockId: string; at: Date }
  | { type: 'error'; code: string; message: string; at: Date };

/** A button the client shows where the flow waits. */
export interface WaitingChoice {
  label: string;
  value: string;
}

export type TurnOutcome = 'waiting' | 'ended' | 'failed';

/**
 * Everything that happened from one stable point to the next (start → first wait, user message →
 * next wait or end). The owner stores a turn before it shows any of it to the user.
 */
export interface Turn {
  /** In order. The first is stamped when the turn began: that decides whether idle expiry caught it in flight. */
  events: ConversationEvent[];
  outcome: TurnOutcome;
  /** The block the conversation waits at or ended at; null if it failed before reaching one. */
  blockId: string | null;
  variables: Record<string, Scalar>;
  /** Persisted actor snapshot to resume from; only at a waiting point, null otherwise. */
  snapshot: unknown;
  /**
   * True for the turn that announces a conversation restored from a snapshot: it only says where the
   * conversation waits (its one event is `waiting`), nothing new happened, and it is not stored again.
   */
  resumed: boolean;
}
