import { FLOW_SCHEMA_CAPS } from './schema-caps';

/**
 * Limits an operator sets on flows (MAX_FLOW_BLOCKS, MAX_INTENTS_PER_BLOCK, MAX_TEXT_CHARS, HTTP_MAX_TIMEOUT_MS), each at
 * most the schema's own cap. Validation takes them as an argument: the server and `flowbot validate`
 * pass the ones read from the same settings, so both give the same verdict.
 */
export interface FlowLimits {
  /** Most blocks in one flow; the schema sets no cap. */
  readonly maxBlocks: number;
  /** Most intents in one intent block. */
  readonly maxIntentsPerBlock: number;
  /** Longest `message` or `end` text, in characters (Unicode code points, as the schema counts). */
  readonly maxTextChars: number;
  /** Largest `timeoutMs` of an http block (HTTP_MAX_TIMEOUT_MS). */
  readonly maxHttpTimeoutMs: number;
}

/** No operator limits: only what the schema allows. */
export const SCHEMA_FLOW_LIMITS: FlowLimits = Object.freeze({
  maxBlocks: Infinity,
  maxIntentsPerBlock: FLOW_SCHEMA_CAPS.intentsPerBlock,
  maxTextChars: FLOW_SCHEMA_CAPS.textChars,
  maxHttpTimeoutMs: FLOW_SCHEMA_CAPS.httpTimeoutMs,
});

/** An http block's `timeoutMs` when it has none (HTTP_MAX_TIMEOUT_MS caps it when lower). */
export const DEFAULT_HTTP_TIMEOUT_MS = 5000;
