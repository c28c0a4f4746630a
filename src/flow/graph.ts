import { pointer } from './problems';

/** A reference from one block to another, with the JSON pointer of the field that holds it. */
export interface Edge {
  from: number;
  to: string;
  path: string;
}

export interface GraphNode {
  index: number;
  id: string;
  type: string;
  edges: Edge[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refField(block: Record<string, unknown>, index: number, field: string, edges: Edge[]): void {
  const target = block[field];
  if (typeof target === 'string') edges.push({ from: index, to: target, path: pointer('blocks', index, field) });
}

/**
 * Reads the block graph out of a document that may be malformed: anything that is not a block with a
 * string id is skipped, so that semantic checks can still report on the rest (never throws).
 */
export function readGraph(doc: unknown): { nodes: GraphNode[]; start: unknown } {
  if (!isRecord(doc) || !Array.isArray(doc.blocks)) return { nodes: [], start: isRecord(doc) ? doc.start : undefined };
  const nodes: GraphNode[] = [];
  doc.blocks.forEach((block: unknown, index: number) => {
    if (!isRecord(block) || typeof block.id !== 'string') return;
    const edges: Edge[] = [];
    for (const field of ['next', 'noMatch', 'onError', 'onMaxNoMatch']) refField(block, index, field, edges);
    if (Array.isArray(block.intents)) {
      block.intents.forEach((intent: unknown, j: number) => {
        if (isRecord(intent) && typeof intent.next === 'string') {
          edges.push({ from: index, to: intent.next, path: pointer('blocks', index, 'intents', j, 'next') });
        }
      });
    }
    nodes.push({ index, id: block.id, type: typeof block.type === 'string' ? block.type : '', edges });
  });
  return { nodes, start: doc.start };
}
