import type { BlockEdge } from '../edges';
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

/** `unknown_block`: `start` and every edge name an existing block; a near miss gets a suggestion. */
export const references: Rule = ({ start, graph, suggester, errors }) => {
  const { byId } = graph;
  if (typeof start === 'string' && !byId.has(start)) {
    errors.push({
      path: '/start',
      code: 'unknown_block',
      message: `start block "${start}" does not exist${suggester.didYouMean(start, byId)}`,
    });
  }
  for (const node of graph.nodes) {
    const dangling = node.edges.filter((edge) => !byId.has(edge.to)).sort((a, b) => FIELD_ORDER[a.kind] - FIELD_ORDER[b.kind]);
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
