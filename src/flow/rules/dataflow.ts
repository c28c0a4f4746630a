import { blockEntries } from '../document';
import { type GraphNode, readGraph } from '../graph';
import { pointer } from '../problems';
import { parseTemplate } from '../template';
import { assignmentsAlong, assignmentsOf, BUILTIN_VARIABLES, templatesOf, variableInventory, variableReadsOf } from '../variables';
import type { Rule } from './context';

/** Operators that ask whether a variable is set: reading an unset one is their point. */
const ASKS_IF_SET = new Set(['isSet', 'isEmpty']);

/**
 * The variables set on every path from `start` to each block (a forward "must" dataflow analysis over
 * the block graph: the meet is intersection). A block no path reaches has no entry. A wait block
 * assigns its `saveAs` on the edges an answer takes, not on a misfit or a silence.
 */
function definitelySet(
  start: GraphNode,
  nodes: ReadonlyMap<string, GraphNode>,
  blockOf: (node: GraphNode) => Record<string, unknown>,
): Map<GraphNode, Set<string>> {
  const before = new Map<GraphNode, Set<string>>([[start, new Set()]]);
  const queue: GraphNode[] = [start];
  const queued = new Set<GraphNode>(queue);
  while (queue.length > 0) {
    const node = queue.shift() as GraphNode;
    queued.delete(node);
    const known = before.get(node) as Set<string>;
    for (const edge of node.edges) {
      const target = nodes.get(edge.to);
      if (!target) continue;
      const after = new Set(known);
      for (const { name } of assignmentsAlong(blockOf(node), edge)) after.add(name);
      const current = before.get(target);
      let changed = false;
      if (current === undefined) {
        before.set(target, after);
        changed = true;
      } else {
        for (const name of current) {
          if (!after.has(name)) {
            current.delete(name);
            changed = true;
          }
        }
      }
      if (changed && !queued.has(target)) {
        queued.add(target);
        queue.push(target);
      }
    }
  }
  return before;
}

/**
 * The variables set on every path from the flow's start to each block, by block id (none for a block
 * no path reaches): the analysis behind `variable_maybe_unset`, for tests that hold it against the
 * paths a conversation really takes.
 */
export function variablesSetOnEveryPath(doc: unknown): Map<string, ReadonlySet<string>> {
  const graph = readGraph(doc);
  const start = (doc as { start?: unknown } | null)?.start;
  const from = typeof start === 'string' ? graph.byId.get(start) : undefined;
  const out = new Map<string, ReadonlySet<string>>();
  if (!from) return out;
  const blockAt = new Map(blockEntries(doc).map((entry) => [entry.index, entry.block]));
  for (const [node, names] of definitelySet(from, graph.byId, (n) => blockAt.get(n.index) ?? {})) out.set(node.id, names);
  return out;
}

/**
 * `variable_maybe_unset`, a warning: a placeholder or a condition reads a variable that some path
 * from `start` reaches without setting (it would render as "", or the condition would see it unset).
 * Builtins, `{{name|fallback}}` and the `isSet`/`isEmpty` operators are exempt; a variable no block
 * sets at all is `unknown_variable` instead. Within a set block, a value sees the assignments before it.
 */
export const variablesMaybeUnset: Rule = ({ start, graph, blocks, warnings }) => {
  const from = typeof start === 'string' ? graph.byId.get(start) : undefined;
  if (!from) return;
  const blockAt = new Map(blocks.map((entry) => [entry.index, entry.block]));
  const blockOf = (node: GraphNode): Record<string, unknown> => blockAt.get(node.index) ?? {};
  const assignable = variableInventory(blocks);
  const before = definitelySet(from, graph.byId, blockOf);
  for (const node of graph.byId.values()) {
    const known = before.get(node);
    if (!known) continue; // unreachable: reported as such
    const block = blockOf(node);
    const maybeUnset = (name: string, setHere: ReadonlySet<string>): boolean =>
      !BUILTIN_VARIABLES.has(name) && assignable.has(name) && !known.has(name) && !setHere.has(name);
    // In a set block, the names assigned before a value count as set for that value.
    const assignedBefore = (field: ReadonlyArray<string | number>): Set<string> => {
      const set = new Set<string>();
      if (block.type !== 'set') return set;
      for (const { name, field: at } of assignmentsOf(block)) {
        if (at[1] === field[1]) break;
        set.add(name);
      }
      return set;
    };
    for (const { text, field } of templatesOf(block)) {
      if (!text.includes('{{')) continue;
      const setHere = assignedBefore(field);
      const reported = new Set<string>();
      for (const part of parseTemplate(text).parts) {
        if (part.kind !== 'placeholder' || part.scope !== 'variable' || part.fallback !== undefined) continue;
        if (!maybeUnset(part.name, setHere) || reported.has(part.name)) continue;
        reported.add(part.name);
        warnings.push({
          path: pointer('blocks', node.index, ...field),
          code: 'variable_maybe_unset',
          message: `a path from the start reaches this block without setting "${part.name}", so {{${part.name}}} may render as ""; write {{${part.name}|...}} to say what to show then`,
        });
      }
    }
    for (const read of variableReadsOf(block)) {
      if (ASKS_IF_SET.has(read.op) || !maybeUnset(read.name, new Set())) continue;
      warnings.push({
        path: pointer('blocks', node.index, ...read.field),
        code: 'variable_maybe_unset',
        message: `a path from the start reaches this block without setting "${read.name}", so the condition may see it unset; check it with "isSet" first`,
      });
    }
  }
};
