import { type BlockGraph, type GraphNode, reachable } from '../graph';
import { pointer } from '../problems';
import type { RuleContext, Rule } from './context';

function startNode({ start, graph }: RuleContext): GraphNode | undefined {
  return typeof start === 'string' ? graph.byId.get(start) : undefined;
}

/**
 * The blocks `node` leads to before the user says anything: every successor, except that a wait block
 * is left without a message only by its silence (`noReply.next`); its other ways out take a message.
 */
function withoutMessage(graph: BlockGraph): (node: GraphNode) => GraphNode[] {
  return (node) => {
    if (node.type !== 'wait') return graph.successors(node);
    const out: GraphNode[] = [];
    for (const edge of node.edges) {
      const target = edge.kind === 'silence' ? graph.byId.get(edge.to) : undefined;
      if (target) out.push(target);
    }
    return out;
  };
}

/**
 * `intent_before_wait`: no intent block can be reached from `start` before the user has said
 * anything: there would be nothing to classify. A wait block's silence is no message, so a path
 * through `noReply.next` counts as one without a wait.
 */
export const intentBeforeWait: Rule = (context) => {
  const from = startNode(context);
  if (!from) return;
  for (const node of reachable(from, withoutMessage(context.graph))) {
    if (node.type !== 'intent') continue;
    context.errors.push({
      path: pointer('blocks', node.index),
      code: 'intent_before_wait',
      message: `intent block "${node.id}" can be reached from the start before the user has sent a message (a silence sends none): there is nothing to classify`,
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
