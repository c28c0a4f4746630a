import { type BotRecord, type ConversationRecord, type ConversationStatus, DEFAULT_BOT, type StepRecord } from './records';
import type { ConversationClaim } from './repositories';

/**
 * The rows of the tables both backends share (the same schema, see sqlite/migrations.ts and
 * postgres/migrations.ts), and how they become records: one mapping for both.
 */

export interface ConversationRow {
  id: string;
  bot_id: string;
  flow_version: number;
  /** Guaranteed by the CHECK constraint on the column. */
  status: ConversationStatus;
  variables: string;
  current_block: string | null;
  created_at: string;
  updated_at: string;
}

export const CONVERSATION_COLUMNS = 'id, bot_id, flow_version, status, variables, current_block, created_at, updated_at';

export interface StepRow {
  from_block: string | null;
  to_block: string;
  event: string;
  intent: string | null;
  provider: string | null;
  confidence: number | null;
  fallback_reason: string | null;
  latency_ms: number | null;
  error: string | null;
  runner_up: string | null;
  runner_up_score: number | null;
  case_index: number | null;
  choice: string | null;
  http_method: string | null;
  http_url: string | null;
  http_status: number | null;
  http_error: string | null;
  at: string;
}

export interface BotRow {
  id: string;
  name: string;
  current_version: number | null;
  created_at: string;
}

export const BOT_COLUMNS = 'id, name, current_version, created_at';

export function toBot(row: BotRow): BotRecord {
  return { id: row.id, name: row.name, currentVersion: row.current_version, createdAt: row.created_at };
}

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    ...(row.bot_id === DEFAULT_BOT ? {} : { bot: row.bot_id }),
    flowVersion: row.flow_version,
    status: row.status,
    variables: JSON.parse(row.variables) as Record<string, string | number | boolean>,
    currentBlock: row.current_block,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a claim's `UPDATE ... RETURNING ${CONVERSATION_COLUMNS}, epoch, snapshot` answers. */
export type ClaimRow = ConversationRow & { epoch: number; snapshot: string | null };

export function toClaim(row: ClaimRow): ConversationClaim {
  return {
    epoch: row.epoch,
    conversation: toConversation(row),
    snapshot: row.snapshot === null ? undefined : (JSON.parse(row.snapshot) as unknown),
  };
}

/** Optional fields are left out rather than set to undefined, matching what was written. */
export function toStep(row: StepRow): StepRecord {
  const step: StepRecord = { from: row.from_block, to: row.to_block, event: row.event, at: row.at };
  if (row.intent !== null) step.intent = row.intent;
  if (row.provider !== null) step.provider = row.provider;
  if (row.confidence !== null) step.confidence = row.confidence;
  if (row.fallback_reason !== null) step.fallbackReason = row.fallback_reason;
  if (row.latency_ms !== null) step.latencyMs = row.latency_ms;
  if (row.error !== null) step.error = row.error;
  if (row.runner_up !== null) step.runnerUp = row.runner_up;
  if (row.runner_up_score !== null) step.runnerUpScore = row.runner_up_score;
  if (row.case_index !== null) step.case = row.case_index;
  if (row.choice !== null) step.choice = row.choice;
  if (row.http_method !== null) step.method = row.http_method;
  if (row.http_url !== null) step.url = row.http_url;
  if (row.http_status !== null) step.status = row.http_status;
  if (row.http_error !== null) step.httpError = row.http_error;
  return step;
}

/** A step's columns after (conversation_id, seq), in the order of STEP_COLUMNS. */
export type StepValues = [
  from: string | null,
  to: string,
  event: string,
  intent: string | null,
  provider: string | null,
  confidence: number | null,
  fallbackReason: string | null,
  latencyMs: number | null,
  error: string | null,
  runnerUp: string | null,
  runnerUpScore: number | null,
  caseIndex: number | null,
  choice: string | null,
  httpMethod: string | null,
  httpUrl: string | null,
  httpStatus: number | null,
  httpError: string | null,
  at: string,
];

export const STEP_COLUMNS =
  'from_block, to_block, event, intent, provider, confidence, fallback_reason, latency_ms, error, runner_up, runner_up_score, case_index, choice, http_method, http_url, http_status, http_error, at';

export function stepValues(step: StepRecord): StepValues {
  return [
    step.from,
    step.to,
    step.event,
    step.intent ?? null,
    step.provider ?? null,
    step.confidence ?? null,
    step.fallbackReason ?? null,
    // Latencies are measured with fractional timers; whole milliseconds are plenty.
    step.latencyMs === undefined ? null : Math.round(step.latencyMs),
    step.error ?? null,
    step.runnerUp ?? null,
    step.runnerUpScore ?? null,
    step.case ?? null,
    step.choice ?? null,
    step.method ?? null,
    step.url ?? null,
    step.status ?? null,
    step.httpError ?? null,
    step.at,
  ];
}
