import { blockEntries } from '../document';
import { type BlockEdge, outgoingEdges } from '../edges';

/** A block of the document as a graph node: its position, id, type and edges out. */
export interface GraphNode {
  index: number;
  id: string;
  type: string;
  edges: BlockEdge[];
}

/** The block graph of a document that may be malformed: nodes in document order, plus ids to nodes. */
export interface BlockGraph {
  nodes: GraphNode[];
  /** The first block of each id; duplicates take no part in graph rules (they are reported apart). */
  byId: ReadonlyMap<string, GraphNode>;
  /** Nodes an edge leads to, over targets that exist. */
  readonly successors: (node: GraphNode) => GraphNode[];
}

/**
 * Reads the block graph out of any value: anything that is not a block with a string id is skipped,
 * so that the rules can still report on the rest (never throws).
 */
export function readGraph(doc: unknown): BlockGraph {
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  for (const { index, block } of blockEntries(doc)) {
    if (typeof block.id !== 'string') continue;
    const node = { index, id: block.id, type: typeof block.type === 'string' ? block.type : '', edges: outgoingEdges(block) };
    nodes.push(node);
    if (!byId.has(node.id)) byId.set(node.id, node);
  }
  const successors = (node: GraphNode): GraphNode[] => {
    const out: GraphNode[] = [];
    for (const edge of node.edges) {
      const next = byId.get(edge.to);
      if (next) out.push(next);
    }
    return out;
  };
  return { nodes, byId, successors };
}
