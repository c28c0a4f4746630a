/**
 * TypeScript mirror of schemas/flow.schema.json, the single source of truth for the flow format.
 * test/flow/schema-types.test.ts fails when the two drift apart.
 */

export type BlockId = string;

export interface MessageBlock {
  id: BlockId;
  type: 'message';
  /** At least one character (the schema caps the length); `{{variable}}` placeholders are rendered at run time. */
  text: string;
  next: BlockId;
}

/** A value a variable holds: a JSON scalar. */
export type Scalar = string | number | boolean;

/** Any JSON value (an http block's `body`, the params of a compiled machine). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A button of a wait block. */
export interface Choice {
  label: string;
  /** What the choice stores; defaults to the label. */
  value?: string;
  /** Where the choice goes; defaults to the block's `next`. */
  next?: BlockId;
}

export type ExpectType = 'text' | 'number' | 'integer' | 'email' | 'date' | 'pattern' | 'choice';

/** The kind of answer a wait block takes. */
export interface Expect {
  type: ExpectType;
  /** Bounds of a `number` or `integer` answer, inclusive. */
  min?: number;
  max?: number;
  /** The regular expression of a `pattern` answer. */
  pattern?: string;
}

/** What happens to an answer that does not fit `expect`. */
export interface InvalidAnswer {
  /** Said before waiting again; a default text otherwise. */
  text?: string;
  /** Misfits in a row before `next` (default 3). */
  maxTries?: number;
  /** Where the `maxTries`-th misfit in a row goes; without it the block keeps asking. */
  next?: BlockId;
}

/** What happens when the user says nothing. */
export interface NoReply {
  afterSeconds: number;
  /** Said after a silence, before waiting again. */
  text?: string;
  /** Silences in a row before `next` (default 1). */
  maxTimes?: number;
  /** Where the `maxTimes`-th silence in a row goes; without it the bot stops reprompting after `maxTimes` silences. */
  next?: BlockId;
}

export interface WaitBlock {
  id: BlockId;
  type: 'wait';
  /** Variable that receives the user's message, or the choice's value, or the normalised answer (it always lands in `lastMessage` too). */
  saveAs?: string;
  next: BlockId;
  choices?: Choice[];
  expect?: Expect;
  invalid?: InvalidAnswer;
  noReply?: NoReply;
}

export type ComparisonOp =
  'eq' | 'ne' | 'contains' | 'startsWith' | 'endsWith' | 'matches' | 'gt' | 'gte' | 'lt' | 'lte' | 'isSet' | 'isEmpty';

export interface Comparison {
  var: string;
  op: ComparisonOp;
  /** Absent for `isSet` and `isEmpty`; a string may hold placeholders (not for `matches`, a regular expression). */
  value?: Scalar;
}

export type Predicate = Comparison | { all: Predicate[] } | { any: Predicate[] } | { not: Predicate };

export interface ConditionCase {
  when: Predicate;
  next: BlockId;
}

export interface ConditionBlock {
  id: BlockId;
  type: 'condition';
  cases: ConditionCase[];
  else: BlockId;
}

/** `{add: [a, b]}`: the sum of two numbers (templates rendered first; text that is not a number counts as 0). */
export interface AddValue {
  add: [string | number, string | number];
}

export type AssignValue = Scalar | AddValue;

export interface SetBlock {
  id: BlockId;
  type: 'set';
  /** Variables assigned in the order written; a string is a template. */
  assign: Record<string, AssignValue>;
  next: BlockId;
}

export interface IntentOption {
  id: string;
  description: string;
  examples?: string[];
  /** Words or short phrases that mean this intent in this bot (brand names, jargon), for the local classifier. */
  synonyms?: string[];
  next: BlockId;
}

export interface IntentBlock {
  id: BlockId;
  type: 'intent';
  intents: IntentOption[];
  noMatch: BlockId;
  /** Where to go when detection fails outright; defaults to `noMatch`. */
  onError?: BlockId;
  maxNoMatch?: number;
  onMaxNoMatch?: BlockId;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Calls one of the flow's own services; see README, "The http block". */
export interface HttpBlock {
  id: BlockId;
  type: 'http';
  method: HttpMethod;
  /** An http(s) URL; placeholders are percent-encoded, and may only stand after the host. */
  url: string;
  /** Header values are templates (`{{secret.NAME}}` allowed). */
  headers?: Record<string, string>;
  /** Sent as JSON, its strings rendered as templates; not with GET. */
  body?: JsonValue;
  /** Default 5000, at most HTTP_MAX_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Variables copied from the JSON answer of a 2xx, by JSON pointer; `$status` is the status code. */
  save?: Record<string, string>;
  /** Where a 2xx answer goes. */
  next: BlockId;
  /** Where anything else goes, with `httpError` (and `httpStatus` when there was an answer) set. */
  onError: BlockId;
}

export interface EndBlock {
  id: BlockId;
  type: 'end';
  text?: string;
}

export type Block = MessageBlock | WaitBlock | IntentBlock | EndBlock | ConditionBlock | SetBlock | HttpBlock;
export type BlockType = Block['type'];

export interface Flow {
  $schema?: string;
  name: string;
  description?: string;
  start: BlockId;
  blocks: Block[];
  meta?: Record<string, unknown>;
}

/** The answer of intent detection meaning "none of the options". */
export const NO_INTENT = 'none';
