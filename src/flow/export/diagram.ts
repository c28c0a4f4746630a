import type { CompiledFlow } from '../compile';
import type { Block } from '../types';
import type { DiagramNode, FlowDiagram } from './diagram-format';
import { diagramEdges, mermaidNodeId, toMermaid } from './mermaid';

export type { DiagramNode, FlowDiagram } from './diagram-format';

/** Steps forward from the centre when none are asked for, and the most that may be asked for. */
export const DEFAULT_DIAGRAM_DEPTH = 2;
export const MAX_DIAGRAM_DEPTH = 10;
/** A neighbourhood holds at most this many blocks (nearest first): a view, not the whole flow again. */
export const MAX_NEIGHBOURHOOD_BLOCKS = 50;

export interface Neighbourhood {
  around: string;
  depth: number;
}

/**
 * Which blocks a neighbourhood shows: the centre, the blocks it leads to in up to `depth` steps, and
 * the blocks that lead straight to it (where the conversation came from), nearest first and at most
 * MAX_NEIGHBOURHOOD_BLOCKS. Only forward steps are followed further: stepping back through a block
 * that many lead to (a menu, an end) would pull in the whole flow.
 */
function neighbourhoodOf(blocks: readonly Block[], { around, depth }: Neighbourhood): Set<string> {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const shown = new Set<string>([around]);
  const add = (id: string): boolean => {
    if (shown.size >= MAX_NEIGHBOURHOOD_BLOCKS || shown.has(id) || !byId.has(id)) return false;
    shown.add(id);
    return true;
  };
  const successors = (id: string): string[] => {
    const block = byId.get(id);
    return block ? diagramEdges(block).map((e) => e.to) : [];
  };
  let level = [around];
  for (let step = 1; step <= depth && level.length > 0; step++) {
    const nextLevel: string[] = [];
    for (const id of level) for (const to of successors(id)) if (add(to)) nextLevel.push(to);
    level = nextLevel;
    if (step === 1) for (const block of blocks) if (successors(block.id).includes(around)) add(block.id);
  }
  return shown;
}

/**
 * The diagram export: Mermaid text and the block-to-node map the page highlights with, for the whole
 * flow or (with `around`) a neighbourhood. Undefined when `around` names no block of the flow.
 */
export function toDiagram(compiled: CompiledFlow): FlowDiagram;
export function toDiagram(compiled: CompiledFlow, around: Neighbourhood | undefined): FlowDiagram | undefined;
export function toDiagram(compiled: CompiledFlow, around?: Neighbourhood): FlowDiagram | undefined {
  const { blocks, start } = compiled.flow;
  if (around && !blocks.some((b) => b.id === around.around)) return undefined;
  const only = around ? neighbourhoodOf(blocks, around) : undefined;
  const nodes: Record<string, DiagramNode> = {};
  blocks.forEach((block, i) => {
    if (only && !only.has(block.id)) return;
    const entry: DiagramNode = { node: mermaidNodeId(i), type: block.type };
    if (only && diagramEdges(block).some((e) => !only.has(e.to))) entry.more = true;
    nodes[block.id] = entry;
  });
  return {
    mermaid: toMermaid(compiled, only),
    nodes,
    blockCount: blocks.length,
    start,
    around: around?.around ?? null,
    depth: around?.depth ?? null,
  };
}
