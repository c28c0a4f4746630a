import type { Step } from '../flow/step';
import type { Flow } from '../flow/types';

/** Storage records: plain data, no behaviour. Timestamps are ISO-8601 strings in UTC. */

export interface FlowVersionSummary {
  version: number;
  name: string;
  createdAt: string;
  current: boolean;
}

export interface FlowVersionRecord extends FlowVersionSummary {
  /** The flow exactly as uploaded (the request body text), so GET returns it byte for byte. */
  source: string;
  /** The parsed flow. */
  flow: Flow;
}

export type ConversationStatus = 'active' | 'completed' | 'abandoned';

export interface ConversationRecord {
  id: string;
  flowVersion: number;
  status: ConversationStatus;
  /** JSON scalars by name, as the flow set them. */
  variables: Record<string, string | number | boolean>;
  /** The block the conversation waits at or ended at; null before the first turn is stored. */
  currentBlock: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageRecord {
  from: 'user' | 'bot';
  text: string;
  blockId: string;
  at: string;
}

/** A step as stored: the runtime's Step and when it happened. */
export interface StepRecord extends Step {
  at: string;
}

/** Everything one turn changes, written in one transaction before any of its frames is sent. */
export interface TurnWrite {
  conversationId: string;
  messages: MessageRecord[];
  steps: StepRecord[];
  status: ConversationStatus;
  /** JSON scalars by name, as the flow set them. */
  variables: Record<string, string | number | boolean>;
  currentBlock: string | null;
  /**
   * The actor's persisted snapshot at the stable point that ends the turn; null once ended;
   * undefined keeps the stored one (a turn that failed must not lose the last good resume point).
   */
  snapshot?: unknown;
  at: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` to get the next page. null on the last page. */
  nextCursor: string | null;
}
