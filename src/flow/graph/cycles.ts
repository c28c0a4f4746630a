/**
 * The strongly connected components of a directed graph that contain a cycle (more than one node, or
 * one node with an edge to itself), by Tarjan's algorithm. Iterative, so that a 10,000-node chain
 * cannot overflow the stack. Components come in the order Tarjan closes them.
 */
export function cyclicComponents<T>(nodes: Iterable<T>, successors: (node: T) => T[]): Array<Set<T>> {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const components: Array<Set<T>> = [];
  let counter = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: T; succ: T[]; i: number }> = [];
    const visit = (node: T): void => {
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
        const next = frame.succ[frame.i++] as T;
        if (!index.has(next)) visit(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(next) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component = new Set<T>();
      let member: T;
      do {
        member = stack.pop() as T;
        onStack.delete(member);
        component.add(member);
      } while (member !== frame.node);
      if (component.size > 1 || frame.succ.includes(frame.node)) components.push(component);
    }
  }
  return components;
}

/**
 * The shortest cycle through `first` that stays inside `component`, found breadth-first, in walking
 * order starting at `first`; `[first]` when there is none (not a cycle through it).
 */
export function shortestCycleThrough<T>(first: T, component: ReadonlySet<T>, successors: (node: T) => T[]): T[] {
  const parent = new Map<T, T>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as T;
    for (const next of successors(node)) {
      if (!component.has(next)) continue;
      if (next === first) {
        const path = [node];
        for (let at = node; at !== first;) {
          at = parent.get(at) as T;
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
