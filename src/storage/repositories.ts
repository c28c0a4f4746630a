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
 */

/** The flow versions of one bot (see BotRepository.flows): versions are numbered per bot. */
export interface FlowRepository {
  /** The bot these versions belong to. */
  readonly bot: string;
  /**
   * Stores a new version (number = the bot's highest + 1) and, unless `activate` is false (a draft),
   * makes it the bot's current one, atomically.
   */
  create(input: { flow: Flow; source: string; createdAt: string; activate?: boolean }): Promise<FlowVersionRecord>;
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

export interface ConversationRepository {
  /** `bot` defaults to `default`; the version must be one of that bot's. */
  create(input: { id: string; bot?: string; flowVersion: number; createdAt: string }): Promise<void>;
  get(id: string): Promise<ConversationRecord | undefined>;
  /** Newest first, optionally only one bot's and/or one status. */
  list(query: { limit: number; cursor?: string } & ConversationFilter): Promise<Page<ConversationRecord>>;
  messages(id: string): Promise<MessageRecord[]>;
  steps(id: string): Promise<StepRecord[]>;
  /** The snapshot stored with the latest turn, or undefined. */
  snapshot(id: string): Promise<unknown>;
  /** Writes one turn in one transaction. */
  appendTurn(turn: TurnWrite): Promise<void>;
  /** Marks active conversations not updated since `before` as abandoned; returns how many. */
  abandonIdle(before: string): Promise<number>;
  /** Whether the bot has a conversation that is still active. */
  hasActive(bot: string): Promise<boolean>;
  /** Erases a conversation with its messages and steps; false when there was none. */
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

export interface Storage {
  /** The `default` bot's flow versions (what `/api/flows` means): `bots.flows('default')`. */
  readonly flows: FlowRepository;
  readonly bots: BotRepository;
  readonly conversations: ConversationRepository;
  readonly stats: StatsRepository;
  /** Readiness for /health: true when the storage takes writes. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
