import { cyclicComponents, reachable, shortestCycleThrough } from '../../src/flow/graph';

const graph: Record<string, string[]> = { a: ['b'], b: ['c', 'd'], c: ['a'], d: ['d'], e: ['a'], f: [] };
const successors = (n: string): string[] => graph[n] ?? [];

describe('graph algorithms', () => {
  it('reachable: breadth-first from a node, expanding only the nodes allowed', () => {
    expect([...reachable('a', successors)]).toEqual(['a', 'b', 'c', 'd']);
    expect([...reachable('a', successors, (n) => n !== 'b')]).toEqual(['a', 'b']);
    expect([...reachable('f', successors)]).toEqual(['f']);
  });

  it('cyclicComponents: the components that hold a cycle, self-loops included', () => {
    const components = cyclicComponents(Object.keys(graph), successors).map((c) => [...c].sort());
    expect(components).toEqual(expect.arrayContaining([['a', 'b', 'c'], ['d']]));
    expect(components).toHaveLength(2);
  });

  it('shortestCycleThrough: the cycle in walking order from the given node', () => {
    expect(shortestCycleThrough('b', new Set(['a', 'b', 'c']), successors)).toEqual(['b', 'c', 'a']);
    expect(shortestCycleThrough('d', new Set(['d']), successors)).toEqual(['d']);
  });

  it('handles a 100,000-node chain without recursion', () => {
    const next = (n: number): number[] => (n < 99_999 ? [n + 1] : [0]);
    const nodes = Array.from({ length: 100_000 }, (_, i) => i);
    const [component] = cyclicComponents(nodes, next);
    expect(component?.size).toBe(100_000);
  });
});
