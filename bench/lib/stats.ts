/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `fn` repeatedly for about `ms` (at least `minRuns` times); returns per-call microseconds. */
export function timeLoop(fn: () => void, ms: number, minRuns = 10): { runs: number; microsPerCall: number } {
  let runs = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms || runs < minRuns) {
    fn();
    runs += 1;
    now = performance.now();
  }
  return { runs, microsPerCall: ((now - start) * 1000) / runs };
}

/** Async variant of timeLoop (awaits each call, as the chat service does). */
export async function timeLoopAsync(fn: () => Promise<void>, ms: number, minRuns = 10): Promise<{ runs: number; microsPerCall: number }> {
  let runs = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms || runs < minRuns) {
    await fn();
    runs += 1;
    now = performance.now();
  }
  return { runs, microsPerCall: ((now - start) * 1000) / runs };
}

/** p50 / p90 / p99 / max of an ascending array, rounded to `digits`. */
export function summary(sorted: ArrayLike<number>, digits = 3): { p50: number; p90: number; p99: number; max: number } {
  return {
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(percentile(sorted, 100), digits),
  };
}
