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

export interface WaitBlock {
  id: BlockId;
  type: 'wait';
  /** Variable that receives the user's message (it always lands in `lastMessage` too). */
  saveAs?: string;
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

export interface EndBlock {
  id: BlockId;
  type: 'end';
  text?: string;
}

export type Block = MessageBlock | WaitBlock | IntentBlock | EndBlock;
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
