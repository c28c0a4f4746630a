import type { CompiledFlow } from '../compile';
import { outgoingEdges } from '../edges';
import type { Block } from '../types';
import { edgeLabel } from './labels';

/** Mermaid node id of a block: ids may hold "-" or be Mermaid keywords ("end"), so nodes are numbered. */
export function mermaidNodeId(index: number): string {
  return `b${index}`;
}

/** A block's edges as the diagram draws them: parallel edges to the same block merged, labels kept in order. */
export function diagramEdges(block: Block): Array<{ to: string; labels: string[] }> {
  const merged = new Map<string, string[]>();
  for (const edge of outgoingEdges(block)) {
    const labels = merged.get(edge.to) ?? [];
    const label = edgeLabel(block, edge);
    if (label && !labels.includes(label)) labels.push(label);
    merged.set(edge.to, labels);
  }
  return [...merged].map(([to, labels]) => ({ to, labels }));
}

/**
 * A Mermaid `stateDiagram-v2` of the compiled flow, eventless edges included (xstate/graph's directed
 * graph leaves those out, and no maintained v5 converter exists). Parallel edges between the same two
 * blocks are merged into one edge with both labels. With `only`, just those blocks and the edges
 * between them (a part of a flow too large to draw whole); node ids stay those of the whole flow.
 */
export function toMermaid(compiled: CompiledFlow, only?: ReadonlySet<string>): string {
  const { flow } = compiled;
  const shown = (id: string): boolean => !only || only.has(id);
  const indexOf = new Map(flow.blocks.map((b, i) => [b.id, i]));
  const node = (id: string): string => mermaidNodeId(indexOf.get(id) ?? -1);
  const lines = ['stateDiagram-v2'];
  flow.blocks.forEach((block, i) => {
    if (shown(block.id)) lines.push(`  state "${block.id} (${block.type})" as ${mermaidNodeId(i)}`);
  });
  if (shown(flow.start)) lines.push(`  [*] --> ${node(flow.start)}`);
  for (const block of flow.blocks) {
    if (!shown(block.id)) continue;
    for (const { to, labels } of diagramEdges(block)) {
      if (shown(to)) lines.push(`  ${node(block.id)} --> ${node(to)}${labels.length ? ` : ${labels.join(' / ')}` : ''}`);
    }
    if (block.type === 'end') lines.push(`  ${node(block.id)} --> [*]`);
  }
  lines.push('  classDef waitBlock fill:#e8f1ff,stroke:#3b6fd8');
  lines.push('  classDef intentBlock fill:#fff4e0,stroke:#d88a1c');
  lines.push('  classDef endBlock fill:#f0f0f0,stroke:#777');
  lines.push('  classDef logicBlock fill:#eefaf0,stroke:#3a9a52');
  lines.push('  classDef httpBlock fill:#f6ecff,stroke:#8a4fd0');
  const classOf: Partial<Record<Block['type'], string>> = {
    wait: 'waitBlock',
    intent: 'intentBlock',
    end: 'endBlock',
    condition: 'logicBlock',
    set: 'logicBlock',
    http: 'httpBlock',
  };
  flow.blocks.forEach((block, i) => {
    const cls = classOf[block.type];
    if (cls && shown(block.id)) lines.push(`  class ${mermaidNodeId(i)} ${cls}`);
  });
  return lines.join('\n') + '\n';
}
