import type { Step } from '../flow/step';
import type { Flow } from '../flow/types';

/** Storage records: plain data, no behaviour. Timestamps are ISO-8601 strings in UTC. */

/** The bot that always exists: every path without a bot in it means this one. */
export const DEFAULT_BOT = 'default';

/** A named series of flow versions with its own current version. */
export interface BotRecord {
  id: string;
  name: string;
  /** The version new conversations of this bot start on; null before the first upload is made current. */
  currentVersion: number | null;
  createdAt: string;
}

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
  /**
   * The bot it belongs to; absent for the `default` bot, so that records (and the answers and frames
   * made from them) of a server with one bot stay exactly what they were before bots existed.
   */
  bot?: string;
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
  /**
   * The epoch its writer holds (ConversationRepository.create/claim): the turn is stored only while the
   * conversation still has it. Absent: not fenced, for imports and tests that own every conversation.
   */
  epoch?: number;
  /**
   * Only with `epoch`: a fenced turn is also stored only while the conversation is active, since idle
   * expiry (Storage.exclusive, maybe on another instance) may have marked it abandoned meanwhile; a
   * turn for an abandoned one is refused with `conversation_expired`, for a completed one with
   * `conversation_ended`, and nothing of it is stored. Except: an abandoned conversation last updated
   * at or after `idleCutoff` (when the turn began, minus IDLE_TIMEOUT_MS) was not idle when this
   * turn began, only marked while the turn was in flight, and the turn makes it active again.
   */
  idleCutoff?: string;
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

/** What the history may be filtered by. */
export interface ConversationFilter {
  bot?: string;
  status?: ConversationStatus;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` to get the next page. null on the last page. */
  nextCursor: string | null;
}

/** Which conversations statistics count: one flow version's, started in [since, until) when given. */
export interface StatsQuery {
  botId: string;
  flowVersion: number;
  /** ISO-8601 UTC, inclusive. */
  since?: string;
  /** ISO-8601 UTC, exclusive. */
  until?: string;
}

/** Raw counts as the database aggregates them; the service shapes them per block of the flow. */
export interface FlowStatsRecord {
  conversations: Record<ConversationStatus, number>;
  /** Abandoned conversations by the block they stopped at. */
  droppedAt: Array<{ block: string; count: number }>;
  /** Steps grouped by move and detected intent (`from` null: the step into the start block). */
  moves: Array<{ from: string | null; to: string; event: string; intent: string | null; count: number; fallbacks: number }>;
  /** Detection latency per intent block, nearest-rank percentiles in ms. */
  latency: Array<{ block: string; p50: number; p95: number }>;
  /** User texts that no intent of the block fitted, most frequent first. */
  misunderstood: Array<{ block: string; text: string; count: number; lastAt: string }>;
}
