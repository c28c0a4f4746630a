import { NO_INTENT } from './types';
import { type FlowProblem, pointer } from './problems';
import { type GraphNode, readGraph } from './graph';

/**
 * The rules a flow must meet beyond its shape (contract §1). Works on a possibly malformed document so
 * that one upload reports every problem at once; never throws.
 */
export function checkSemantics(doc: unknown): { errors: FlowProblem[]; warnings: FlowProblem[] } {
  const errors: FlowProblem[] = [];
  const warnings: FlowProblem[] = [];
  const { nodes, start } = readGraph(doc);
  suggestionsLeft = MAX_SUGGESTIONS;

  const byId = new Map<string, GraphNode>();
  for (const node of nodes) {
    const first = byId.get(node.id);
    if (first) {
      errors.push({
        path: pointer('blocks', node.index, 'id'),
        code: 'duplicate_block_id',
        message: `block id "${node.id}" is already used by /blocks/${first.index}`,
      });
    } else {
      byId.set(node.id, node);
    }
  }
  checkIntentIds(doc, errors);
  checkSaveAs(doc, errors);

  if (typeof start === 'string' && !byId.has(start)) {
    errors.push({ path: '/start', code: 'unknown_block', message: `start block "${start}" does not exist${suggestion(start, byId)}` });
  }
  for (const node of nodes) {
    for (const edge of node.edges) {
      if (!byId.has(edge.to)) {
        errors.push({ path: edge.path, code: 'unknown_block', message: `block "${edge.to}" does not exist${suggestion(edge.to, byId)}` });
      }
    }
  }

  // Only the first block of each id takes part in graph rules; duplicates are reported above.
  const unique = [...byId.values()];
  for (const cycle of loopsWithoutWait(unique, byId)) {
    const first = cycle[0] as GraphNode;
    errors.push({
      path: pointer('blocks', first.index),
      code: 'loop_without_wait',
      message: `blocks ${[...cycle, first].map((n) => `"${n.id}"`).join(' → ')} form a loop with no wait block: the bot would never stop`,
    });
  }

  const startNode = typeof start === 'string' ? byId.get(start) : undefined;
  if (startNode) {
    for (const node of reachable(startNode, byId, (n) => n.type !== 'wait')) {
      if (node.type === 'intent') {
        errors.push({
          path: pointer('blocks', node.index),
          code: 'intent_before_wait',
          message: `intent block "${node.id}" can be reached from the start without a wait block: there is no user message to classify`,
        });
      }
    }
    const seen = reachable(startNode, byId, () => true);
    for (const node of unique) {
      if (!seen.has(node)) {
        warnings.push({
          path: pointer('blocks', node.index),
          code: 'unreachable_block',
          message: `block "${node.id}" cannot be reached from the start`,
        });
      }
    }
  }
  return { errors, warnings };
}

/**
 * Suggestions cost a scan of every id: they are for hand-written flows (up to 500 blocks), and a flow
 * full of dangling references gets the first ten only, so validation time stays bounded.
 */
const MAX_SUGGESTIONS = 10;
const MAX_BLOCKS_FOR_SUGGESTIONS = 500;
let suggestionsLeft = 0;

/** `; did you mean "x"?` for a dangling reference one or two edits away from an existing block id. */
function suggestion(missing: string, byId: Map<string, GraphNode>): string {
  if (suggestionsLeft <= 0 || byId.size > MAX_BLOCKS_FOR_SUGGESTIONS) return '';
  suggestionsLeft--;
  let best: string | undefined;
  let bestDistance = missing.length < 5 ? 2 : 3;
  for (const id of byId.keys()) {
    const distance = editDistance(missing.toLowerCase(), id.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = id;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : `; did you mean "${best}"?`;
}

/** Edit distance with adjacent transpositions ("aks" → "ask" is 1), giving up at `limit`: ids are short. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(value);
    }
    if (Math.min(...row) >= limit) return limit;
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Variables the runtime sets on every message: a `saveAs` of the same name would be overwritten. */
const RESERVED_VARIABLES = new Set(['lastMessage', 'intent']);

function checkSaveAs(doc: unknown, errors: FlowProblem[]): void {
  const blocks = (doc as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(blocks)) return;
  blocks.forEach((block: unknown, i: number) => {
    const saveAs = (block as { saveAs?: unknown } | null)?.saveAs;
    if (typeof saveAs === 'string' && RESERVED_VARIABLES.has(saveAs)) {
      errors.push({
        path: pointer('blocks', i, 'saveAs'),
        code: 'reserved_variable',
        message: `"${saveAs}" is set by the runtime itself; choose another name`,
      });
    }
  });
}

function checkIntentIds(doc: unknown, errors: FlowProblem[]): void {
  const blocks = (doc as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(blocks)) return;
  blocks.forEach((block: unknown, i: number) => {
    const intents = (block as { intents?: unknown } | null)?.intents;
    if (!Array.isArray(intents)) return;
    const seen = new Map<string, number>();
    intents.forEach((intent: unknown, j: number) => {
      const id = (intent as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      const path = pointer('blocks', i, 'intents', j, 'id');
      if (id === NO_INTENT) {
        errors.push({
          path,
          code: 'reserved_intent_id',
          message: `"${NO_INTENT}" is reserved for "no intent matched"; use noMatch instead`,
        });
      }
      const first = seen.get(id);
      if (first !== undefined) {
        errors.push({ path, code: 'duplicate_intent_id', message: `intent id "${id}" is already used by /blocks/${i}/intents/${first}` });
      } else {
        seen.set(id, j);
      }
    });
  });
}

/** Breadth-first set of nodes reachable from `from`, expanding only nodes that pass `expand`. */
function reachable(from: GraphNode, byId: Map<string, GraphNode>, expand: (n: GraphNode) => boolean): Set<GraphNode> {
  const seen = new Set<GraphNode>([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as GraphNode;
    if (!expand(node)) continue;
    for (const edge of node.edges) {
      const next = byId.get(edge.to);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/**
 * Every strongly connected component of the graph without wait blocks is a loop the bot could run
 * forever without waiting. Tarjan's algorithm, iterative so that a 10,000-block chain cannot overflow
 * the stack. Returns one concrete cycle per component, in walking order.
 */
function loopsWithoutWait(nodes: GraphNode[], byId: Map<string, GraphNode>): GraphNode[][] {
  const successors = (n: GraphNode): GraphNode[] =>
    n.type === 'wait' ? [] : n.edges.map((e) => byId.get(e.to)).filter((m): m is GraphNode => !!m && m.type !== 'wait');
  const index = new Map<GraphNode, number>();
  const low = new Map<GraphNode, number>();
  const onStack = new Set<GraphNode>();
  const stack: GraphNode[] = [];
  const cycles: GraphNode[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (root.type === 'wait' || index.has(root)) continue;
    const work: Array<{ node: GraphNode; succ: GraphNode[]; i: number }> = [];
    const visit = (node: GraphNode): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, succ: successors(node), i: 0 });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1] as (typeof work)[number];
      if (frame.i < frame.succ.length) {
        const next = frame.succ[frame.i++] as GraphNode;
        if (!index.has(next)) visit(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(next) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component = new Set<GraphNode>();
      let member: GraphNode;
      do {
        member = stack.pop() as GraphNode;
        onStack.delete(member);
        component.add(member);
      } while (member !== frame.node);
      const selfLoop = successors(frame.node).includes(frame.node);
      if (component.size > 1 || selfLoop) cycles.push(cycleThrough(component, successors));
    }
  }
  return cycles.sort((a, b) => (a[0] as GraphNode).index - (b[0] as GraphNode).index);
}

/** Shortest cycle through the component's first block (in document order), found breadth-first. */
function cycleThrough(component: Set<GraphNode>, successors: (n: GraphNode) => GraphNode[]): GraphNode[] {
  const first = [...component].reduce((a, b) => (b.index < a.index ? b : a));
  const parent = new Map<GraphNode, GraphNode>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as GraphNode;
    for (const next of successors(node)) {
      if (!component.has(next)) continue;
      if (next === first) {
        const path = [node];
        for (let at = node; at !== first;) {
          at = parent.get(at) as GraphNode;
          path.push(at);
        }
        return path.reverse();
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [first];
}
