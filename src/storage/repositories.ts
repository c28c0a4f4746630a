import type { Flow } from '../flow/types';
import type {
  BotRecord,
  ConversationFilter,
  ConversationRecord,
  FlowStatsRecord,
  FlowVersionRecord,
  FlowVersionSummary,
  MessageRecord,
  Page,
  StatsQuery,
  StepRecord,
  TurnWrite,
} from './records';

/**
 * Repository interfaces: everything above storage talks to these, never to SQL. They are async so
 * that a networked database (PostgreSQL) can implement them; the SQLite one resolves at once.
 *
 * Guarantees every backend gives (test/storage/contract checks them on each):
 * - Read your writes: a read made after a write's promise was handed out (even before it settled)
 *   sees that write, in this process. A write a promise resolved for is committed: every instance
 *   sees it from then on.
 * - Order: messages and steps keep the order of their turns, numbered 1..n per conversation by the
 *   storage itself inside the write (never by a separate `SELECT MAX(seq)` that two writers could both
 *   read), so no number is taken twice or skipped.
 * - Fencing: a conversation has one owner at a time, named by an epoch that only grows. A turn carries
 *   the epoch its writer claimed, and is stored only while that is still the conversation's epoch, in
 *   the same statement that stores it: a writer that lost the conversation stores nothing.
 */

/** What an upload stored: a new version, or (`created: false`) the current one, whose source it already was. */
/** A flow version to store: the flow, its source text as uploaded, when, and whether it becomes current (default). */
export interface FlowVersionInput {
  flow: Flow;
  source: string;
  createdAt: string;
  activate?: boolean;
}

export interface FlowUpload {
  record: FlowVersionRecord;
  created: boolean;
}

/** The flow versions of one bot (see BotRepository.flows): versions are numbered per bot. */
export interface FlowRepository {
  /** The bot these versions belong to. */
  readonly bot: string;
  /**
   * Stores a new version (number = the bot's highest + 1) and, unless `activate` is false (a draft),
   * makes it the bot's current one, atomically.
   */
  create(input: FlowVersionInput): Promise<FlowVersionRecord>;
  /**
   * As create, unless the bot's current version has exactly this source (byte for byte): then nothing
   * is stored and that version is answered, `created: false`. Decided under the lock that numbers the
   * versions, so that identical uploads at once (on any instances) store one version.
   */
  createUnlessCurrent(input: FlowVersionInput): Promise<FlowUpload>;
  current(): Promise<FlowVersionRecord | undefined>;
  /** Just the current version number: cheap, for every new conversation. */
  currentVersion(): Promise<number | undefined>;
  get(version: number): Promise<FlowVersionRecord | undefined>;
  /** All versions, newest first. */
  list(): Promise<FlowVersionSummary[]>;
  /** Makes an existing version current; false when there is no such version. */
  activate(version: number): Promise<boolean>;
}

export type BotDeletion = 'deleted' | 'missing' | 'active_conversations';

export interface BotRepository {
  /** Stores a new bot with no versions; false when a bot with that id exists already. */
  create(input: { id: string; name: string; createdAt: string }): Promise<boolean>;
  get(id: string): Promise<BotRecord | undefined>;
  /** Every bot, `default` first, then by id. */
  list(): Promise<BotRecord[]>;
  /**
   * Deletes a bot with its versions and every conversation of it, in one transaction; refused while
   * it has an active conversation (checked in the same transaction, so none can start meanwhile).
   */
  delete(id: string): Promise<BotDeletion>;
  /** The flow versions of one bot (the bot need not exist yet: reads then find nothing). */
  flows(bot: string): FlowRepository;
}

/** What creating a conversation stored: the version it runs on, and its owner's epoch. */
export interface CreatedConversation {
  flowVersion: number;
  epoch: number;
}

/** A conversation taken over by an owner: the epoch its turns must carry, and its state as of the claim. */
export interface ConversationClaim {
  epoch: number;
  conversation: ConversationRecord;
  /** The snapshot stored with the latest turn committed before the claim, or undefined. */
  snapshot: unknown;
}

export interface ConversationRepository {
  /**
   * Stores a new active conversation owned by `owner` (epoch 1). `bot` defaults to `default`. Without
   * `flowVersion` it runs on the bot's current version, read in the statement that creates it (an
   * activation committed before is always seen); undefined when the bot has no current version. A
   * given version must be one of that bot's.
   */
  create(input: {
    id: string;
    bot?: string;
    flowVersion?: number;
    createdAt: string;
    owner?: string;
  }): Promise<CreatedConversation | undefined>;
  /**
   * Makes `owner` the owner of an active conversation: bumps its epoch in one statement and answers
   * the new epoch with the conversation's state as that statement found it (so a snapshot read here is
   * never older than a turn that its previous owner got stored). Undefined when there is no such
   * active conversation. Every instance hears of it (`conversation_claimed` on `Storage.events`).
   */
  claim(id: string, owner: string): Promise<ConversationClaim | undefined>;
  /** The current epoch of each of these conversations that still exists (a resync after missed signals). */
  epochs(ids: readonly string[]): Promise<Map<string, number>>;
  get(id: string): Promise<ConversationRecord | undefined>;
  /** Newest first, optionally only one bot's and/or one status. */
  list(query: { limit: number; cursor?: string } & ConversationFilter): Promise<Page<ConversationRecord>>;
  messages(id: string): Promise<MessageRecord[]>;
  steps(id: string): Promise<StepRecord[]>;
  /** The snapshot stored with the latest turn, or undefined. */
  snapshot(id: string): Promise<unknown>;
  /**
   * Writes one turn atomically, resolving once it is committed. With `epoch`, only while that is still
   * the conversation's epoch: otherwise nothing is stored and it rejects with `conversation_taken_over`.
   * An unknown conversation rejects with ConversationNotFoundError. Turns of many conversations may
   * share one commit, but one that fails never takes the others down.
   */
  appendTurn(turn: TurnWrite): Promise<void>;
  /** Marks active conversations not updated since `before` as abandoned; returns how many. */
  abandonIdle(before: string): Promise<number>;
  /** Whether the bot has a conversation that is still active. */
  hasActive(bot: string): Promise<boolean>;
  /**
   * Erases a conversation with its messages and steps; false when there was none. Every instance hears
   * of it (`conversation_erased` on `Storage.events`).
   */
  erase(id: string): Promise<boolean>;
  /**
   * Erases at most `limit` conversations (with their messages and steps) that completed or were
   * abandoned before `before`, oldest first, optionally of one bot only, in one short transaction;
   * returns how many. Callers repeat it until it erases fewer than `limit`, yielding in between.
   */
  eraseEnded(query: { before: string; limit: number; bot?: string }): Promise<number>;
}

/**
 * Statistics of a flow version, aggregated by the database over that version's conversations (found
 * through an index, never a scan of every conversation); kept apart from the conversation repository
 * so that a backend implements the aggregation in its own SQL.
 */
export interface StatsRepository {
  flowStats(query: StatsQuery): Promise<FlowStatsRecord>;
}

/** What one instance tells the others through the storage. */
export type StorageEvent =
  /** `owner` now runs the conversation with `epoch`; an instance running it with a lower epoch must stop. */
  | { type: 'conversation_claimed'; conversationId: string; owner: string; epoch: number }
  /** The conversation is gone: an instance running it must stop and tell its client. */
  | { type: 'conversation_erased'; conversationId: string }
  /** A bot's versions changed: `uploaded` or `activated` (compile `version` ahead), or the bot was `deleted`. */
  | { type: 'flow_changed'; bot: string; change: 'uploaded' | 'activated' | 'deleted'; version?: number };

/**
 * Signals between the instances that share a database: in-process for SQLite, LISTEN/NOTIFY for
 * PostgreSQL. Delivery is at most once and may be late or lost while a listener reconnects; `onResync`
 * is then called, and whoever relies on the signals re-reads what they would have said. The repositories
 * publish their own events after the statement that makes them true has committed, never inside a
 * turn's transaction. An instance also hears its own events.
 */
export interface StorageEvents {
  publish(event: StorageEvent): Promise<void>;
  /** Returns a function that unsubscribes. */
  subscribe(listener: (event: StorageEvent) => void): () => void;
  /** Called after signals may have been missed (a listener connection came back). */
  onResync(listener: () => void): () => void;
}

export interface Storage {
  /** Which backend: reported by /health. */
  readonly kind: 'sqlite' | 'postgres';
  readonly events: StorageEvents;
  /**
   * Runs a job that must not run on two instances at once (idle expiry, retention): undefined, without
   * running it, while another instance runs it.
   */
  exclusive<T>(job: string, run: () => Promise<T>): Promise<T | undefined>;
  /** The `default` bot's flow versions (what `/api/flows` means): `bots.flows('default')`. */
  readonly flows: FlowRepository;
  readonly bots: BotRepository;
  readonly conversations: ConversationRepository;
  readonly stats: StatsRepository;
  /** Readiness for /health: true when the storage takes writes. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
