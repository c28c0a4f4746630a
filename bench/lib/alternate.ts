import type { ServerKind } from './protocol';

/** Rounds of the same runs, the sides alternating and each round in reverse order of the last. */
export async function alternate<T>(
  sides: ServerKind[],
  rounds: number,
  run: (kind: ServerKind, round: number) => Promise<T>,
): Promise<Map<ServerKind, T[]>> {
  const results = new Map<ServerKind, T[]>(sides.map((s) => [s, []]));
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const kind of order) results.get(kind)?.push(await run(kind, round));
  }
  return results;
}
