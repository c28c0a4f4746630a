import type { Flow } from '../flow/types';
import type {
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

export interface FlowRepository {
  /** Stores a new version (number = highest + 1) and makes it current, atomically. */
  create(input: { flow: Flow; source: string; createdAt: string }): Promise<FlowVersionRecord>;
  current(): Promise<FlowVersionRecord | undefined>;
  /** Just the current version number: cheap, for every new conversation. */
  currentVersion(): Promise<number | undefined>;
  get(version: number): Promise<FlowVersionRecord | undefined>;
  /** All versions, newest first. */
  list(): Promise<FlowVersionSummary[]>;
  /** Makes an existing version current; false when there is no such version. */
  activate(version: number): Promise<boolean>;
}

export interface ConversationRepository {
  create(input: { id: string; flowVersion: number; createdAt: string }): Promise<void>;
  get(id: string): Promise<ConversationRecord | undefined>;
  /** Newest first. */
  list(query: { limit: number; cursor?: string }): Promise<Page<ConversationRecord>>;
  messages(id: string): Promise<MessageRecord[]>;
  steps(id: string): Promise<StepRecord[]>;
  /** The snapshot stored with the latest turn, or undefined. */
  snapshot(id: string): Promise<unknown>;
  /** Writes one turn in one transaction. */
  appendTurn(turn: TurnWrite): Promise<void>;
  /** Marks active conversations not updated since `before` as abandoned; returns how many. */
  abandonIdle(before: string): Promise<number>;
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
  readonly flows: FlowRepository;
  readonly conversations: ConversationRepository;
  readonly stats: StatsRepository;
  /** Readiness for /health: true when the storage takes writes. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
