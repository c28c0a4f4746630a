/**
 * Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters, the
 * commonest typing slip ("aks" → "ask", "recieve", "flihgt" are one edit each). Returns `max + 1` as
 * soon as the distance must exceed `max`, so a scan over many candidates stays cheap.
 *
 * Written here rather than taken from npm because the callers need that early exit: the maintained
 * packages either compute the whole matrix every time (fastest-levenshtein, damerau-levenshtein) or
 * leave out transpositions and ship as ES modules only (leven), which this CommonJS build cannot load.
 * Compares UTF-16 code units; callers fold case themselves when they want to.
 */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let beforePrevious: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (beforePrevious[j - 2] ?? 0) + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    beforePrevious = previous;
    previous = row;
  }
  const distance = previous[b.length] ?? max + 1;
  return distance > max ? max + 1 : distance;
}

/**
 * The candidate closest to `word` within `max` edits (case-insensitive), or undefined. Ties go to the
 * first candidate, so the answer follows the caller's order (document order for block ids).
 */
export function closestMatch(word: string, candidates: Iterable<string>, max: number): string | undefined {
  if (max < 0) return undefined;
  const folded = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const distance = osaDistance(folded, candidate.toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}
