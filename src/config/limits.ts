import type { FlowLimits } from '../flow/limits';
import { FLOW_SCHEMA_CAPS } from '../flow/schema-caps';
import type { Settings } from './settings';

/**
 * The one home of flowbot's numbers: the default and accepted range of every whole-number setting,
 * and the fixed limits that are not settings. Code imports them from here; the README's settings table
 * is checked against this file by a test. Caps that belong to the flow format live in the schema
 * (FLOW_SCHEMA_CAPS) and are only referenced here.
 */

/** Default and accepted range of one whole-number setting. */
export interface WholeNumberSetting {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** Every whole-number setting, by environment variable. */
export const WHOLE_NUMBER_SETTINGS = Object.freeze({
  PORT: { default: 8080, min: 0, max: 65535 },
  INTENT_TIMEOUT_MS: { default: 8000, min: 100, max: 120_000 },
  MAX_BODY_BYTES: { default: MIB, min: KIB, max: 64 * MIB },
  MAX_FLOW_BLOCKS: { default: 5000, min: 1, max: 100_000 },
  MAX_INTENTS_PER_BLOCK: { default: FLOW_SCHEMA_CAPS.intentsPerBlock, min: 1, max: FLOW_SCHEMA_CAPS.intentsPerBlock },
  MAX_TEXT_CHARS: { default: FLOW_SCHEMA_CAPS.textChars, min: 1, max: FLOW_SCHEMA_CAPS.textChars },
  WS_MAX_PAYLOAD_BYTES: { default: 64 * KIB, min: KIB, max: 16 * MIB },
  MAX_MESSAGE_CHARS: { default: 2000, min: 1, max: 100_000 },
  WS_MESSAGES_PER_SECOND: { default: 5, min: 1, max: 10_000 },
  WS_MESSAGE_BURST: { default: 10, min: 1, max: 10_000 },
  MAX_CONNECTIONS: { default: 20_000, min: 1, max: 1_000_000 },
  WS_MAX_BUFFERED_BYTES: { default: MIB, min: KIB, max: 1024 * MIB },
  IDLE_TIMEOUT_MS: { default: 30 * 60 * 1000, min: 1000, max: 30 * 24 * 3600 * 1000 },
  HEARTBEAT_MS: { default: 30_000, min: 1000, max: 3_600_000 },
  HTTP_MAX_TIMEOUT_MS: { default: 30_000, min: 100, max: FLOW_SCHEMA_CAPS.httpTimeoutMs },
  HTTP_MAX_RESPONSE_BYTES: { default: 64 * KIB, min: KIB, max: 64 * MIB },
  HTTP_MAX_CONCURRENT: { default: 64, min: 1, max: 10_000 },
  /**
   * PostgreSQL only: connections this instance opens for statements (one more listens for signals). At
   * least 2: a job that runs on one instance at a time holds one for its lock while it works on another.
   */
  DATABASE_POOL_SIZE: { default: 10, min: 2, max: 1000 },
  /** PostgreSQL only: the longest one statement may run before the server cancels it (storage_unavailable). */
  DATABASE_STATEMENT_TIMEOUT_MS: { default: 10_000, min: 100, max: 600_000 },
} satisfies Record<string, WholeNumberSetting>);

export type WholeNumberSettingName = keyof typeof WHOLE_NUMBER_SETTINGS;

/** Whole-number settings that are off unless set: their accepted range. */
export const OPTIONAL_WHOLE_NUMBER_SETTINGS = Object.freeze({
  /** Unset: keep the history forever. */
  RETENTION_DAYS: { min: 1, max: 36_500 },
} satisfies Record<string, Omit<WholeNumberSetting, 'default'>>);

export type OptionalWholeNumberSettingName = keyof typeof OPTIONAL_WHOLE_NUMBER_SETTINGS;

/** Default of INTENT_TIMEOUT_MS, for code that builds a detector without settings (tests, benchmarks). */
export const DEFAULT_INTENT_TIMEOUT_MS = WHOLE_NUMBER_SETTINGS.INTENT_TIMEOUT_MS.default;
/** Default of MAX_MESSAGE_CHARS. */
export const DEFAULT_MAX_MESSAGE_CHARS = WHOLE_NUMBER_SETTINGS.MAX_MESSAGE_CHARS.default;

/**
/**
 * Conversations erased per transaction by retention and bot deletion: small enough that a chat turn
 * waiting for the write lock meanwhile waits milliseconds, not seconds.
 */
export const ERASE_BATCH_SIZE = 200;

/** How often RETENTION_DAYS is applied. */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/**
 * How long a live conversation that waits keeps its XState actor before parking it (keeping only
 * the persisted snapshot). A person takes seconds to minutes to answer, so idle conversations still
 * cost only their snapshot; a conversation answering within the delay (buttons, scripted clients,
 * load) skips a restore per message (npm run bench: −12 to −30% CPU per local turn).
 */
export const PARK_AFTER_MS = 2000;

/** `?limit=` of list endpoints: not a setting, one rule for every list. */
export const PAGE_LIMIT = Object.freeze({ default: 20, max: 100 });

/** The flow limits of these settings, as validation takes them: the server and the CLI both use this. */
export function flowLimitsOf(settings: Pick<Settings, 'limits' | 'http'>): FlowLimits {
  return Object.freeze({
    maxBlocks: settings.limits.maxFlowBlocks,
    maxIntentsPerBlock: settings.limits.maxIntentsPerBlock,
    maxTextChars: settings.limits.maxTextChars,
    maxHttpTimeoutMs: settings.http.maxTimeoutMs,
  });
}

/** What a client (the web page) needs to know of the limits, to check input before sending it. */
export interface ClientLimits {
  /** Longest user message, characters after trimming (MAX_MESSAGE_CHARS). */
  maxMessageChars: number;
}

export function clientLimitsOf(settings: Pick<Settings, 'limits'>): ClientLimits {
  return { maxMessageChars: settings.limits.maxMessageChars };
}
