import { isRecord, stringField } from './document';
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
 * - `next`: a message block goes on at once, a wait block after the user's message;
 * - `intent`: the user's message means `intentId`;
 * - `maxNoMatch`: the `max`-th no-match in a row at this intent block;
 * - `noMatch`: no intent fits;
 * - `error`: detection failed outright; `implied` when `onError` is absent and `noMatch` is used.
 */
export type BlockEdge =
  | (EdgeBase & { kind: 'next' })
  | (EdgeBase & { kind: 'intent'; intentId: string })
  | (EdgeBase & { kind: 'maxNoMatch'; max: number | undefined })
  | (EdgeBase & { kind: 'noMatch' })
  | (EdgeBase & { kind: 'error'; implied: boolean });

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
    case 'wait': {
      const next = stringField(block, 'next');
      if (next !== undefined) edges.push({ kind: 'next', to: next, field: ['next'] });
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
      if (noMatch !== undefined) edges.push({ kind: 'noMatch', to: noMatch, field: ['noMatch'] });
      const onError = stringField(block, 'onError');
      if (onError !== undefined) edges.push({ kind: 'error', implied: false, to: onError, field: ['onError'] });
      else if (noMatch !== undefined) edges.push({ kind: 'error', implied: true, to: noMatch, field: ['noMatch'] });
      break;
    }
    // `end` blocks have no way out.
  }
  return edges;
}
