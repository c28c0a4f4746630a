import { type GraphNode, reachable } from '../graph';
import { pointer } from '../problems';
import type { RuleContext, Rule } from './context';

function startNode({ start, graph }: RuleContext): GraphNode | undefined {
  return typeof start === 'string' ? graph.byId.get(start) : undefined;
}

/** `intent_before_wait`: no intent block can be reached from `start` before a wait block: nothing to classify. */
export const intentBeforeWait: Rule = (context) => {
  const from = startNode(context);
  if (!from) return;
  for (const node of reachable(from, context.graph.successors, (n) => n.type !== 'wait')) {
    if (node.type !== 'intent') continue;
    context.errors.push({
      path: pointer('blocks', node.index),
      code: 'intent_before_wait',
      message: `intent block "${node.id}" can be reached from the start without a wait block: there is no user message to classify`,
    });
  }
};

/** `unreachable_block`, a warning: a block no path from `start` leads to. */
export const unreachableBlocks: Rule = (context) => {
  const from = startNode(context);
  if (!from) return;
  const seen = reachable(from, context.graph.successors);
  for (const node of context.graph.byId.values()) {
    if (seen.has(node)) continue;
    context.warnings.push({
      path: pointer('blocks', node.index),
      code: 'unreachable_block',
      message: `block "${node.id}" cannot be reached from the start`,
    });
  }
};
