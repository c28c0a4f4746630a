import { pointer } from '../problems';
import type { Rule } from './context';

/** `duplicate_block_id`: every block id is used once; the first block of an id keeps it. */
export const uniqueBlockIds: Rule = ({ graph, errors }) => {
  for (const node of graph.nodes) {
    const first = graph.byId.get(node.id);
    if (first && first !== node) {
      errors.push({
        path: pointer('blocks', node.index, 'id'),
        code: 'duplicate_block_id',
        message: `block id "${node.id}" is already used by /blocks/${first.index}`,
      });
    }
  }
};
