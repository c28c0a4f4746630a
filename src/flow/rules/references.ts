import { isRecord, type JsonRecord, stringField } from '../document';
import { type BlockEdge, checksAnswers, type FieldPath } from '../edges';
import { pointer } from '../problems';
import type { Rule } from './context';

/** Dangling references of one block are reported in the order its fields are documented. */
const FIELD_ORDER: Record<BlockEdge['kind'], number> = {
  next: 0,
  noMatch: 1,
  error: 2,
  maxNoMatch: 3,
  intent: 4,
  choice: 5,
  invalid: 6,
  silence: 7,
  reprompt: 8,
  case: 9,
  else: 10,
};

/**
 * References a block makes that no edge takes, so that they would escape the edge check: the
 * `invalid.next` of a wait block that takes any text (every answer fits, so it is never used), and
 * the `noMatch` of an intent block with `maxNoMatch: 1` (the first no-match takes onMaxNoMatch). They
 * still have to name a block: the flow says where it means to go, and a later edit would use it.
 */
function unusedReferences(
  block: JsonRecord | undefined,
  edges: readonly BlockEdge[],
): Array<{ kind: BlockEdge['kind']; to: string; field: FieldPath }> {
  const unused = (kind: BlockEdge['kind'], record: unknown, key: string, field: FieldPath) => {
    const to = isRecord(record) ? stringField(record, key) : undefined;
    const named = edges.some((edge) => edge.field.join('/') === field.join('/'));
    return to === undefined || named ? [] : [{ kind, to, field }];
  };
  if (block?.type === 'wait' && !checksAnswers(block)) return unused('invalid', block.invalid, 'next', ['invalid', 'next']);
  if (block?.type === 'intent') return unused('noMatch', block, 'noMatch', ['noMatch']);
  return [];
}

/** `unknown_block`: `start` and every edge name an existing block; a near miss gets a suggestion. */
export const references: Rule = ({ start, graph, blocks, suggester, errors }) => {
  const blockAt = new Map(blocks.map((entry) => [entry.index, entry.block]));
  const { byId } = graph;
  if (typeof start === 'string' && !byId.has(start)) {
    errors.push({
      path: '/start',
      code: 'unknown_block',
      message: `start block "${start}" does not exist${suggester.didYouMean(start, byId)}`,
    });
  }
  for (const node of graph.nodes) {
    const dangling = [...node.edges, ...unusedReferences(blockAt.get(node.index), node.edges)]
      .filter((edge) => !byId.has(edge.to))
      .sort((a, b) => FIELD_ORDER[a.kind] - FIELD_ORDER[b.kind]);
    // An implied edge names the field it falls back to, which other edges may name too (a wait block's
    // `next` for its answer and its choices): one problem per field. It cannot be skipped outright, as a
    // wait that expects a choice has no answer edge and its `next` is named by implied edges alone.
    const reported = new Set<string>();
    for (const edge of dangling) {
      const path = pointer('blocks', node.index, ...edge.field);
      if (reported.has(path)) continue;
      reported.add(path);
      errors.push({
        path,
        code: 'unknown_block',
        message: `block "${edge.to}" does not exist${suggester.didYouMean(edge.to, byId)}`,
      });
    }
  }
};
