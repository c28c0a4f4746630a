import { isRecord, type JsonRecord, stringField } from './document';
import type { BlockId } from './types';

/** A field inside a block, as JSON pointer segments relative to the block (`["intents", 2, "next"]`). */
export type FieldPath = ReadonlyArray<string | number>;

interface EdgeBase {
  to: BlockId;
  /** The field that names the target; for an implied edge, the field it falls back to. */
  field: FieldPath;
}

/**
 * One way out of a block. The kinds say what takes the edge:
 * - `next`: a message or set block goes on at once, a wait block after the user's message (an answer
 *   that fits, when the block expects a type of answer);
 * - `choice`: the user picked the wait block's `index`-th choice; `implied` when the choice has no
 *   `next` of its own and the block's `next` is used;
 * - `invalid`: the `max`-th answer in a row that does not fit the block's `expect`;
 * - `silence`: the `max`-th silence in a row of `afterSeconds` at the wait block;
 * - `reprompt`: the wait block says its invalid-answer or silence text and waits again (an edge to itself);
 * - `case`: the condition block's `index`-th case holds; `else`: none does;
 * - `intent`: the user's message means `intentId`;
 * - `maxNoMatch`: the `max`-th no-match in a row at this intent block;
 * - `noMatch`: no intent fits (none when `maxNoMatch` is 1 with an `onMaxNoMatch`: the first no-match leaves by it);
 * - `error`: detection failed outright; `implied` when `onError` is absent and `noMatch` is used;
 *   at an http block, the call did not answer 2xx (never implied there);
 * - `next` of an http block: the call answered 2xx.
 */
export type BlockEdge =
  | (EdgeBase & { kind: 'next' })
  | (EdgeBase & { kind: 'choice'; index: number; label: string; value: string; implied: boolean })
  | (EdgeBase & { kind: 'invalid'; max: number })
  | (EdgeBase & { kind: 'silence'; max: number; afterSeconds: number })
  | (EdgeBase & { kind: 'reprompt'; cause: 'invalid' | 'silence' })
  | (EdgeBase & { kind: 'case'; index: number })
  | (EdgeBase & { kind: 'else' })
  | (EdgeBase & { kind: 'intent'; intentId: string })
  | (EdgeBase & { kind: 'maxNoMatch'; max: number | undefined })
  | (EdgeBase & { kind: 'noMatch' })
  | (EdgeBase & { kind: 'error'; implied: boolean });

/** Misfits in a row before `invalid.next`, when the block does not say. */
export const DEFAULT_MAX_TRIES = 3;
/** Silences in a row before `noReply.next`, when the block does not say. */
export const DEFAULT_MAX_SILENCES = 1;

/** The `expect.type` of a wait block as written (any value), `text` when there is none. */
export function expectTypeOf(block: JsonRecord): string {
  const expect = block.expect;
  return isRecord(expect) && typeof expect.type === 'string' ? expect.type : 'text';
}

/** True when answers to the wait block can fail to fit, so that `invalid` applies. */
export function checksAnswers(block: JsonRecord): boolean {
  return expectTypeOf(block) !== 'text';
}

function countField(record: JsonRecord, field: string, fallback: number): number {
  const value = record[field];
  return typeof value === 'number' ? value : fallback;
}

/**
 * Every edge out of a block, in the order the runtime tries them: the one definition that validation,
 * the compiler and the diagram exports share. Takes any value, so that validation can read a block
 * that is not yet known to be well formed: fields that are not strings are left out; an unknown type
 * has no edges (the schema reports it). A new block type adds its case here.
 */
export function outgoingEdges(block: unknown): BlockEdge[] {
  if (!isRecord(block)) return [];
  const edges: BlockEdge[] = [];
  switch (block.type) {
    case 'message':
    case 'set': {
      const next = stringField(block, 'next');
      if (next !== undefined) edges.push({ kind: 'next', to: next, field: ['next'] });
      break;
    }
    case 'wait':
      waitEdges(block, edges);
      break;
    case 'condition': {
      const cases: unknown[] = Array.isArray(block.cases) ? block.cases : [];
      cases.forEach((entry, index) => {
        const next = isRecord(entry) ? stringField(entry, 'next') : undefined;
        if (next !== undefined) edges.push({ kind: 'case', index, to: next, field: ['cases', index, 'next'] });
      });
      const otherwise = stringField(block, 'else');
      if (otherwise !== undefined) edges.push({ kind: 'else', to: otherwise, field: ['else'] });
      break;
    }
    case 'intent': {
      const intents: unknown[] = Array.isArray(block.intents) ? block.intents : [];
      intents.forEach((intent, j) => {
        const next = isRecord(intent) ? stringField(intent, 'next') : undefined;
        if (next === undefined) return;
        const intentId = stringField(intent as Record<string, unknown>, 'id') ?? '';
        edges.push({ kind: 'intent', intentId, to: next, field: ['intents', j, 'next'] });
      });
      const onMaxNoMatch = stringField(block, 'onMaxNoMatch');
      if (onMaxNoMatch !== undefined) {
        const max = typeof block.maxNoMatch === 'number' ? block.maxNoMatch : undefined;
        edges.push({ kind: 'maxNoMatch', max, to: onMaxNoMatch, field: ['onMaxNoMatch'] });
      }
      const noMatch = stringField(block, 'noMatch');
      // With `maxNoMatch: 1` the first no-match already takes onMaxNoMatch: `noMatch` is never taken
      // (it still stands in for a missing onError).
      const firstNoMatchLeaves = onMaxNoMatch !== undefined && block.maxNoMatch === 1;
      if (noMatch !== undefined && !firstNoMatchLeaves) edges.push({ kind: 'noMatch', to: noMatch, field: ['noMatch'] });
      const onError = stringField(block, 'onError');
      if (onError !== undefined) edges.push({ kind: 'error', implied: false, to: onError, field: ['onError'] });
      else if (noMatch !== undefined) edges.push({ kind: 'error', implied: true, to: noMatch, field: ['noMatch'] });
      break;
    }
    case 'http': {
      const next = stringField(block, 'next');
      if (next !== undefined) edges.push({ kind: 'next', to: next, field: ['next'] });
      const onError = stringField(block, 'onError');
      if (onError !== undefined) edges.push({ kind: 'error', implied: false, to: onError, field: ['onError'] });
      break;
    }
    // `end` blocks have no way out.
  }
  return edges;
}

/**
 * A wait block's ways out, in the order its `user.message` transitions are tried, then its silence
 * transitions: each choice, the answer (unless only choices are taken), the `maxTries`-th misfit, the
 * reprompt after a misfit, the `maxTimes`-th silence, the reprompt after a silence.
 */
function waitEdges(block: JsonRecord, edges: BlockEdge[]): void {
  const id = stringField(block, 'id') ?? '';
  const next = stringField(block, 'next');
  const choices: unknown[] = Array.isArray(block.choices) ? block.choices : [];
  choices.forEach((choice, index) => {
    if (!isRecord(choice)) return;
    const label = stringField(choice, 'label') ?? '';
    const value = stringField(choice, 'value') ?? label;
    const own = stringField(choice, 'next');
    if (own !== undefined) edges.push({ kind: 'choice', index, label, value, implied: false, to: own, field: ['choices', index, 'next'] });
    else if (next !== undefined) edges.push({ kind: 'choice', index, label, value, implied: true, to: next, field: ['next'] });
  });
  const type = expectTypeOf(block);
  if (next !== undefined && type !== 'choice') edges.push({ kind: 'next', to: next, field: ['next'] });
  if (type !== 'text') {
    const invalid = isRecord(block.invalid) ? block.invalid : {};
    const invalidNext = stringField(invalid, 'next');
    const max = countField(invalid, 'maxTries', DEFAULT_MAX_TRIES);
    if (invalidNext !== undefined) edges.push({ kind: 'invalid', max, to: invalidNext, field: ['invalid', 'next'] });
    // With `maxTries: 1` the first misfit already leaves.
    if (invalidNext === undefined || max > 1) {
      edges.push({ kind: 'reprompt', cause: 'invalid', to: id, field: isRecord(block.invalid) ? ['invalid'] : ['expect'] });
    }
  }
  if (isRecord(block.noReply)) {
    const noReply = block.noReply;
    const silenceNext = stringField(noReply, 'next');
    const max = countField(noReply, 'maxTimes', DEFAULT_MAX_SILENCES);
    const afterSeconds = countField(noReply, 'afterSeconds', 0);
    if (silenceNext !== undefined) edges.push({ kind: 'silence', max, afterSeconds, to: silenceNext, field: ['noReply', 'next'] });
    if (silenceNext === undefined || max > 1) edges.push({ kind: 'reprompt', cause: 'silence', to: id, field: ['noReply'] });
  }
}
