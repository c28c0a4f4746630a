/**
 * The `?format=diagram` export: what the web page draws. Kept free of imports so that the page's
 * JavaScript (type-checked with JSDoc) can use these types without pulling in the compiler.
 */

/** One block as drawn: its Mermaid node id and block type. */
export interface DiagramNode {
  /** The `state ... as <node>` id in `mermaid` (`b<index in the flow>`, the same in every view). */
  node: string;
  type: 'message' | 'wait' | 'intent' | 'end' | 'condition' | 'set' | 'http';
  /** Neighbourhood views only: the block leads on to blocks this view leaves out. */
  more?: true;
}

export interface FlowDiagram {
  /** A Mermaid `stateDiagram-v2`: the whole flow, or the neighbourhood of `around`. */
  mermaid: string;
  /** Every block drawn in `mermaid`, by block id. */
  nodes: Record<string, DiagramNode>;
  /** Blocks in the whole flow (more than `nodes` holds in a neighbourhood view). */
  blockCount: number;
  start: string;
  /** The neighbourhood's centre and depth; null for the whole flow. */
  around: string | null;
  depth: number | null;
}
