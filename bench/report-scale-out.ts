import type { ScaleOutRun } from './phases/scale-out';

/** The target of the issue: two instances behind nginx serve at least this many times one. */
export const TWO_VS_ONE_TARGET = 1.8;

const fixed = (n: number | undefined, d = 2): string => (n === undefined || !Number.isFinite(n) ? '' : n.toFixed(d));

/** The scale-out table: each setup's figures and its ratios to SQLite flowbot and to the echo of the same run. */
export function renderScaleOutTable(runs: ScaleOutRun[], note: string): string {
  const by = (name: string): ScaleOutRun | undefined => runs.find((r) => r.side === name);
  const echo = by('raw ws echo')?.result;
  const sqlite = by('flowbot, SQLite')?.result;
  const header = [
    'setup',
    'turns/s',
    'server CPU per turn (µs)',
    'PostgreSQL CPU per turn (µs)',
    'latency p50 / p99 (ms)',
    'turns/s vs SQLite',
    'turns/s vs echo',
    'lost',
  ];
  const rows = runs.map(({ side, result: r, loss, databaseCpuMicrosPerTurn }) => [
    side,
    fixed(r.turnsPerSecond, 0),
    fixed(r.serverCpuMicrosPerTurn, 1),
    fixed(databaseCpuMicrosPerTurn, 1),
    `${fixed(r.latencyMs.p50)} / ${fixed(r.latencyMs.p99)}`,
    fixed(sqlite ? r.turnsPerSecond / sqlite.turnsPerSecond : undefined),
    fixed(echo ? r.turnsPerSecond / echo.turnsPerSecond : undefined),
    loss ? `${loss.mismatches} of ${loss.conversationsChecked}` : '',
  ]);
  const one = by('flowbot, PostgreSQL, 1 instance behind nginx')?.result.turnsPerSecond;
  const two = by('flowbot, PostgreSQL, 2 instances behind nginx')?.result.turnsPerSecond;
  const ratio = one && two ? two / one : NaN;
  const lines = [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows].map((cols) => `| ${cols.join(' | ')} |`);
  const verdict = `two instances / one, both behind nginx: ${fixed(ratio)}× turns/s (target ≥ ${TWO_VS_ONE_TARGET}×: ${ratio >= TWO_VS_ONE_TARGET ? 'met' : 'not met'})`;
  return `${lines.join('\n')}\n\n${verdict}\n${note}`;
}
