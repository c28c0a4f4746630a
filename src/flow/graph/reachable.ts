/**
 * Breadth-first: every node reachable from `from` (itself included), expanding only the nodes that
 * pass `expand` (a node that fails it is reached but not walked through).
 */
export function reachable<T>(from: T, successors: (node: T) => Iterable<T>, expand: (node: T) => boolean = () => true): Set<T> {
  const seen = new Set<T>([from]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as T;
    if (!expand(node)) continue;
    for (const next of successors(node)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}
