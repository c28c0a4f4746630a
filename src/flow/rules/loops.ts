import { cyclicComponents, type GraphNode, shortestCycleThrough } from '../graph';
import { pointer } from '../problems';
import type { Rule } from './context';

/**
 * `loop_without_wait`: every cycle passes through a wait block, or the bot would talk (or call the
 * detector) forever. Each strongly connected component of the graph without its wait blocks is such a
 * loop; one concrete cycle through its first block (in document order) names it.
 */
export const loopsWithoutWait: Rule = ({ graph, errors }) => {
  const talking = (node: GraphNode): boolean => node.type !== 'wait';
  const successors = (node: GraphNode): GraphNode[] => (talking(node) ? graph.successors(node).filter(talking) : []);
  const unique = [...graph.byId.values()].filter(talking);
  const cycles = cyclicComponents(unique, successors).map((component) => {
    const first = [...component].reduce((a, b) => (b.index < a.index ? b : a));
    return shortestCycleThrough(first, component, successors);
  });
  cycles.sort((a, b) => (a[0] as GraphNode).index - (b[0] as GraphNode).index);
  for (const cycle of cycles) {
    const first = cycle[0] as GraphNode;
    errors.push({
      path: pointer('blocks', first.index),
      code: 'loop_without_wait',
      message: `blocks ${[...cycle, first].map((n) => `"${n.id}"`).join(' → ')} form a loop with no wait block: the bot would never stop`,
    });
  }
};
