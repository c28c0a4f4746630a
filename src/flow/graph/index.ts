/** Graph algorithms over the block graph: reading it, reachability, cycles. */
export { readGraph, type BlockGraph, type GraphNode } from './block-graph';
export { reachable } from './reachable';
export { cyclicComponents, shortestCycleThrough } from './cycles';
