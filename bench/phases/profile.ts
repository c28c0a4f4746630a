import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alternate } from '../lib/alternate';
import { categoriseProfile } from '../lib/profile-categories';
import { type HotFunction, summariseProfile } from '../lib/cpuprofile';
import type { ServerKind } from '../lib/protocol';

export interface ProfiledSide {
  kind: ServerKind;
  file: string;
  /** Server CPU per turn in the profiled run (the profiler's own cost included). */
  cpuMicrosPerTurn: number;
  /** µs per turn by category: the category's share of the busy time times cpuMicrosPerTurn. */
  categories: Array<{ category: string; microsPerTurn: number }>;
  top: HotFunction[];
}

/**
 * Profiles each side's server over the measured window of a run (bench/servers/window-profiler.ts)
 * and splits its CPU per turn by category, so that flowbot and its floor are compared part by part.
 * Rounds alternate the sides as the bench's comparisons do; each side keeps its round with the least
 * CPU per turn (noise on a shared machine only ever adds to it).
 */
export async function profileSides(
  sides: ServerKind[],
  options: { dir: string; label: string; rounds: number },
  run: (kind: ServerKind, env: NodeJS.ProcessEnv) => Promise<number | null | undefined>,
): Promise<ProfiledSide[]> {
  mkdirSync(options.dir, { recursive: true });
  const runs = await alternate(sides, options.rounds, async (kind, round) => {
    const file = join(options.dir, `${options.label}-${kind}-${round}.cpuprofile`);
    rmSync(file, { force: true });
    const cpuMicrosPerTurn = await run(kind, { FLOWBOT_BENCH_PROFILE_FILE: file });
    if (!existsSync(file)) throw new Error(`the ${kind} server wrote no profile to ${file}`);
    if (!cpuMicrosPerTurn) throw new Error(`no CPU time per turn for the ${kind} server`);
    return { file, cpuMicrosPerTurn };
  });
  return sides.map((kind) => {
    const { file, cpuMicrosPerTurn } = (runs.get(kind) ?? []).reduce((a, b) => (b.cpuMicrosPerTurn < a.cpuMicrosPerTurn ? b : a));
    return {
      kind,
      file,
      cpuMicrosPerTurn,
      categories: categoriseProfile(file).map((c) => ({
        category: c.category,
        microsPerTurn: round1(c.share * cpuMicrosPerTurn),
      })),
      top: summariseProfile(file, 15).functions,
    };
  });
}

/** One table: a row per category, a column of µs per turn per side, and each side's excess over the first. */
export function renderProfileTable(sides: ProfiledSide[]): string {
  const [first, ...others] = sides;
  if (!first) return '';
  const names = [...new Set(sides.flatMap((s) => s.categories.map((c) => c.category)))];
  const valueOf = (side: ProfiledSide, category: string): number =>
    side.categories.find((c) => c.category === category)?.microsPerTurn ?? 0;
  const last = sides[sides.length - 1] ?? first;
  names.sort((a, b) => valueOf(last, b) - valueOf(last, a));
  const header = [
    'µs of server CPU per turn, under the profiler',
    ...sides.map((s) => s.kind),
    ...others.map((s) => `${s.kind} - ${first.kind}`),
  ];
  const rows = names.map((name) => [
    name,
    ...sides.map((s) => valueOf(s, name).toFixed(1)),
    ...others.map((s) => signed(valueOf(s, name) - valueOf(first, name))),
  ]);
  rows.push([
    '**all**',
    ...sides.map((s) => s.cpuMicrosPerTurn.toFixed(1)),
    ...others.map((s) => signed(s.cpuMicrosPerTurn - first.cpuMicrosPerTurn)),
  ]);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
