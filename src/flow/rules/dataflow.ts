import { blockEntries, isRecord } from '../document';
import type { BlockEdge } from '../edges';
import { type GraphNode, readGraph } from '../graph';
import { pointer } from '../problems';
import { foldText } from '../semantics';
import { parseTemplate } from '../template';
import { assignmentsAlong, assignmentsOf, BUILTIN_VARIABLES, templatesOf, variableInventory, variableReadsOf } from '../variables';
import type { Rule } from './context';

/** Operators that ask whether a variable is set: reading an unset one is their point. */
const ASKS_IF_SET = new Set(['isSet', 'isEmpty']);

/** Operators that never hold for an unset variable whatever the value (numbers only: an unset one is none). */
const NUMERIC_OPS = new Set(['gt', 'gte', 'lt', 'lte']);
/** Operators that compare text: an unset variable reads as "", so a literal that is not blank never matches it. */
const TEXT_OPS = new Set(['eq', 'contains', 'startsWith', 'endsWith']);

/**
 * The variables a predicate proves set when it holds: `isSet x`, `not isEmpty x`, a numeric
 * comparison of x, or a text comparison of x with a literal that is not blank (a template could
 * render blank, so it proves nothing), combined through `all` (any part proves it) and `any` (every
 * part must). Builtins are left out: they are exempt anyway. Reads any value.
 */
function setWhenHolds(predicate: unknown): Set<string> {
  if (!isRecord(predicate)) return new Set();
  if (Array.isArray(predicate.all)) return new Set(predicate.all.flatMap((part: unknown) => [...setWhenHolds(part)]));
  if (Array.isArray(predicate.any)) {
    const [first, ...rest] = predicate.any.map((part: unknown) => setWhenHolds(part));
    return new Set([...(first ?? [])].filter((name) => rest.every((set) => set.has(name))));
  }
  const negated = isRecord(predicate.not) ? predicate.not : undefined;
  const comparison = negated ?? predicate;
  const name = comparison.var;
  if (typeof name !== 'string' || BUILTIN_VARIABLES.has(name) || ('not' in predicate && !negated)) return new Set();
  const { op, value } = comparison;
  if (negated) return new Set(op === 'isEmpty' ? [name] : []);
  const literal =
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    (typeof value === 'string' && !value.includes('{{') && foldText(value) !== '');
  const proves = op === 'isSet' || NUMERIC_OPS.has(op as string) || (TEXT_OPS.has(op as string) && literal);
  return new Set(proves ? [name] : []);
}

/** The variables known set after leaving `block` by `edge`: what it assigns, and what a condition case that held proves. */
function setAlong(block: Record<string, unknown>, edge: BlockEdge): string[] {
  const names = assignmentsAlong(block, edge).map(({ name }) => name);
  if (edge.kind === 'case' && block.type === 'condition' && Array.isArray(block.cases)) {
    const entry: unknown = block.cases[edge.index];
    if (isRecord(entry)) names.push(...setWhenHolds(entry.when));
  }
  return names;
}

/**
 * The variables set on every path from `start` to each block (a forward "must" dataflow analysis over
 * the block graph: the meet is intersection). A block no path reaches has no entry. A wait block
 * assigns its `saveAs` on the edges an answer takes, not on a misfit or a silence; a condition case
 * that holds proves what it tests (`isSet`, a comparison that an unset variable fails).
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
      for (const name of setAlong(blockOf(node), edge)) after.add(name);
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
