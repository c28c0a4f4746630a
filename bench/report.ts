import type { ServerKind, ThroughputResult } from './lib/protocol';
import type { CompileResult } from './phases/compile';
import { idleHeld, type MemoryResult } from './phases/memory';
import type { PacedRun } from './phases/paced';
import type { LossResult } from './phases/throughput';
import type { TurnCostResult } from './phases/turn-cost';

export interface BenchResults {
  machine: { cores: number; cpu: string; node: string };
  settings: { quick: boolean; connections: number; rounds: number; idle: { note: string } };
  throughput: Partial<Record<ServerKind, ThroughputResult>>;
  loss: LossResult | null;
  model: Array<{ conversations: number; runs: Partial<Record<ServerKind, PacedRun>> }>;
  memory: Partial<Record<ServerKind, MemoryResult>>;
  compile?: CompileResult;
  turnCost?: TurnCostResult;
}

/** Targets of the figures that have one (README, "Performance"). */
export const TARGETS = {
  localCpuVsFloor: 1.5,
  modelCpuVsFloor: 1.5,
  modelAddedP99Ms: 25,
  modelAddedP99VsFloor: 2,
  idleRssVsEcho: 1.5,
} as const;

const kib = (bytes: number | undefined): string => (bytes === undefined ? '' : `${(bytes / 1024).toFixed(1)} KiB`);
const fixed = (n: number | null | undefined, d = 2): string => (n === null || n === undefined || !Number.isFinite(n) ? '' : n.toFixed(d));
const ratio = (a: number | null | undefined, b: number | null | undefined): number => (a ?? NaN) / (b ?? NaN);
const verdict = (ok: boolean): string => (ok ? 'yes' : '**no**');

/**
 * One row: the figure of each side, flowbot's ratio to the floor (or to the echo where there is no
 * floor figure), a target, whether it is met; with a baseline build, its figure and flowbot's ratio to it.
 */
interface Row {
  metric: string;
  echo?: string;
  floor?: string;
  flowbot: string;
  ratio?: number;
  target?: string;
  met?: boolean;
  baseline?: string;
  vsBaseline?: number;
}

function throughputRows(r: BenchResults): Row[] {
  const { echo, floor, flowbot, baseline } = r.throughput;
  const cpu = (t: ThroughputResult | undefined): number | undefined => t?.serverCpuMicrosPerTurn;
  const localCpu = ratio(cpu(flowbot), cpu(floor));
  return [
    {
      metric: 'local path: server CPU per turn (µs, user + sys)',
      echo: fixed(cpu(echo), 1),
      floor: fixed(cpu(floor), 1),
      flowbot: fixed(cpu(flowbot), 1),
      ratio: localCpu,
      target: `≤ ${TARGETS.localCpuVsFloor.toFixed(2)}× floor`,
      met: localCpu <= TARGETS.localCpuVsFloor,
      baseline: fixed(cpu(baseline), 1),
      vsBaseline: ratio(cpu(flowbot), cpu(baseline)),
    },
    {
      metric: `local path: turns/s, ${r.settings.connections} connections (best of ${r.settings.rounds})`,
      echo: fixed(echo?.turnsPerSecond, 0),
      floor: fixed(floor?.turnsPerSecond, 0),
      flowbot: fixed(flowbot?.turnsPerSecond, 0),
      ratio: ratio(flowbot?.turnsPerSecond, floor?.turnsPerSecond),
      baseline: fixed(baseline?.turnsPerSecond, 0),
      vsBaseline: ratio(flowbot?.turnsPerSecond, baseline?.turnsPerSecond),
    },
    {
      metric: 'local path: turn latency p50 / p99 (ms)',
      echo: `${fixed(echo?.latencyMs.p50, 2)} / ${fixed(echo?.latencyMs.p99, 2)}`,
      floor: `${fixed(floor?.latencyMs.p50, 2)} / ${fixed(floor?.latencyMs.p99, 2)}`,
      flowbot: `${fixed(flowbot?.latencyMs.p50, 2)} / ${fixed(flowbot?.latencyMs.p99, 2)}`,
      ratio: ratio(flowbot?.latencyMs.p99, floor?.latencyMs.p99),
      ...(baseline ? { baseline: `${fixed(baseline.latencyMs.p50, 2)} / ${fixed(baseline.latencyMs.p99, 2)}` } : {}),
      vsBaseline: ratio(flowbot?.latencyMs.p99, baseline?.latencyMs.p99),
    },
  ];
}

function modelRows(r: BenchResults): Row[] {
  return r.model.flatMap(({ conversations, runs }): Row[] => {
    const { floor, flowbot, baseline } = runs;
    const at = `model path, ${conversations.toLocaleString('en')} conversations`;
    const cpu = ratio(flowbot?.serverCpuMicrosPerTurn, floor?.serverCpuMicrosPerTurn);
    const p99 = flowbot?.addedMs.p99 ?? NaN;
    const p99Ratio = ratio(p99, floor?.addedMs.p99);
    const scored = conversations === 1000;
    const failures = (run: PacedRun | undefined): string => (run ? `${run.failures} failed, ${run.turnsPerSecond.toFixed(0)} turns/s` : '');
    return [
      {
        metric: `${at}: server CPU per turn (µs)`,
        floor: fixed(floor?.serverCpuMicrosPerTurn, 0),
        flowbot: fixed(flowbot?.serverCpuMicrosPerTurn, 0),
        ratio: cpu,
        ...(scored ? { target: `≤ ${TARGETS.modelCpuVsFloor.toFixed(2)}× floor`, met: cpu <= TARGETS.modelCpuVsFloor } : {}),
        baseline: fixed(baseline?.serverCpuMicrosPerTurn, 0),
        vsBaseline: ratio(flowbot?.serverCpuMicrosPerTurn, baseline?.serverCpuMicrosPerTurn),
      },
      {
        metric: `${at}: latency added beyond the model, p50 / p99 (ms)`,
        floor: `${fixed(floor?.addedMs.p50, 1)} / ${fixed(floor?.addedMs.p99, 1)}`,
        flowbot:
          flowbot && flowbot.measured === 0
            ? 'no turn ended inside the window'
            : `${fixed(flowbot?.addedMs.p50, 1)} / ${fixed(flowbot?.addedMs.p99, 1)}`,
        ratio: p99Ratio,
        ...(scored
          ? {
              target: `p99 ≤ ${TARGETS.modelAddedP99Ms} ms and ≤ ${TARGETS.modelAddedP99VsFloor}× floor`,
              met: p99 <= TARGETS.modelAddedP99Ms && p99Ratio <= TARGETS.modelAddedP99VsFloor,
            }
          : {}),
        ...(baseline ? { baseline: `${fixed(baseline.addedMs.p50, 1)} / ${fixed(baseline.addedMs.p99, 1)}` } : {}),
        vsBaseline: ratio(p99, baseline?.addedMs.p99),
      },
      {
        metric: `${at}: event-loop delay p99 / max (ms)`,
        floor: `${fixed(floor?.loopDelayMs?.p99, 1)} / ${fixed(floor?.loopDelayMs?.max, 1)}`,
        flowbot: `${fixed(flowbot?.loopDelayMs?.p99, 1)} / ${fixed(flowbot?.loopDelayMs?.max, 1)}`,
        ratio: ratio(flowbot?.loopDelayMs?.p99, floor?.loopDelayMs?.p99),
        ...(baseline ? { baseline: `${fixed(baseline.loopDelayMs?.p99, 1)} / ${fixed(baseline.loopDelayMs?.max, 1)}` } : {}),
        vsBaseline: ratio(flowbot?.loopDelayMs?.p99, baseline?.loopDelayMs?.p99),
      },
      {
        metric: `${at}: failures (lost, timed out, or not answered by the model)`,
        floor: failures(floor),
        flowbot: failures(flowbot),
        ...(scored ? { target: 'none', met: flowbot !== undefined && flowbot.failures === 0 } : {}),
        baseline: failures(baseline),
      },
    ];
  });
}

function memoryRows(r: BenchResults): Row[] {
  const { echo, flowbot, baseline } = r.memory;
  const rss = ratio(flowbot?.rssPerConnection, echo?.rssPerConnection);
  const count = (echo?.connections ?? 0).toLocaleString('en');
  const held = (m: MemoryResult | undefined): string =>
    m
      ? `${m.serverConnections} open, ${m.liveConversations} live, ${m.droppedWhileIdle} dropped, ${m.errors.length} errors, RSS ${(m.loaded.rss / 2 ** 20).toFixed(0)} MiB`
      : '';
  return [
    {
      metric: `idle: RSS per connection, ${count} at once (${r.settings.idle.note})`,
      echo: kib(echo?.rssPerConnection),
      flowbot: kib(flowbot?.rssPerConnection),
      ratio: rss,
      target: `≤ ${TARGETS.idleRssVsEcho.toFixed(2)}× raw ws`,
      met: rss <= TARGETS.idleRssVsEcho,
      baseline: kib(baseline?.rssPerConnection),
      vsBaseline: ratio(flowbot?.rssPerConnection, baseline?.rssPerConnection),
    },
    {
      metric: 'idle: JS heap per connection',
      echo: kib(echo?.heapPerConnection),
      flowbot: kib(flowbot?.heapPerConnection),
      ratio: ratio(flowbot?.heapPerConnection, echo?.heapPerConnection),
      baseline: kib(baseline?.heapPerConnection),
      vsBaseline: ratio(flowbot?.heapPerConnection, baseline?.heapPerConnection),
    },
    {
      metric: `idle: ${count} conversations held, then closed`,
      echo: held(echo),
      flowbot: held(flowbot),
      target: 'all held, none left',
      met: flowbot !== undefined && idleHeld(flowbot) && echo !== undefined && idleHeld(echo),
      baseline: held(baseline),
    },
  ];
}

function otherRows(r: BenchResults): Row[] {
  const t = r.turnCost;
  const lossOk = r.loss !== null && r.loss.mismatches === 0 && r.loss.conversationsChecked > 0;
  const cost: Row[] = t
    ? [
        {
          metric: 'SQLite appendTurn per turn, alone / 32 at once (µs)',
          echo: `no-op ${fixed(t.noopUs, 2)}`,
          flowbot: `${fixed(t.appendTurnUs, 1)} / ${fixed(t.appendTurnConcurrentUs, 1)}`,
        },
        {
          metric: 'in-process: XState alone, a minimal turn (two states, one invoked task, one assign, one emit; µs)',
          flowbot: fixed(t.minimalXstateTurnUs, 1),
        },
        {
          metric: 'in-process turn: runtime / classify / snapshot / stringify (µs)',
          flowbot: `${fixed(t.runtimeTurnUs, 1)} / ${fixed(t.classifyUs, 1)} / ${fixed(t.persistedSnapshotUs, 1)} / ${fixed(t.snapshotStringifyUs, 1)} (${t.snapshotBytes} B)`,
        },
      ]
    : [];
  return [
    ...(r.compile?.sizes ?? []).map((s): Row => ({
      metric: `validate + compile ${s.blocks} blocks (ms)`,
      flowbot: `${fixed(s.totalMs)} (validate ${fixed(s.validateMs)}, compile ${fixed(s.compileMs)}, machine ${fixed(s.machineMs)}; first ${fixed(s.firstTotalMs)})`,
      ...(s.blocks === 2000 ? { target: '< 200', met: s.firstTotalMs < 200 && s.totalMs < 200 } : {}),
    })),
    ...cost,
    {
      metric: 'messages lost (local path, stored history vs what the client saw)',
      flowbot: r.loss
        ? `${r.loss.mismatches} of ${r.loss.conversationsChecked} conversations differ (${r.loss.messagesCompared} messages compared)`
        : 'not checked',
      target: 'none',
      met: lossOk,
    },
  ];
}

/** The one table: flowbot next to the echo and the floor measured in the same run, ratios and targets. */
export function renderTable(r: BenchResults): string {
  const withBaseline = r.throughput.baseline !== undefined || r.memory.baseline !== undefined || r.model.some((m) => m.runs.baseline);
  const rows = [
    ...(r.throughput.flowbot ? throughputRows(r) : []),
    ...modelRows(r),
    ...(r.memory.flowbot ? memoryRows(r) : []),
    ...otherRows(r),
  ];
  const header = ['metric', 'raw ws echo', 'floor', 'flowbot', 'flowbot / floor', 'target', 'met'];
  if (withBaseline) header.push('baseline build', 'flowbot / baseline');
  const cells = (row: Row): string[] => {
    const out = [
      row.metric,
      row.echo ?? '',
      row.floor ?? '',
      row.flowbot,
      fixed(row.ratio),
      row.target ?? '',
      row.met === undefined ? '' : verdict(row.met),
    ];
    if (withBaseline) out.push(row.baseline ?? '', fixed(row.vsBaseline));
    return out;
  };
  const align = header.map((_, i) => (i >= 1 && i <= 4 ? '---:' : i === 8 ? '---' : i === 9 ? '---:' : '---'));
  const lines = [header, align, ...rows.map(cells)].map((cols) => `| ${cols.join(' | ')} |`);
  const note =
    `${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}${r.settings.quick ? ', quick mode' : ''}; ` +
    `best of ${r.settings.rounds} alternating rounds per figure; idle rows: ratio to the raw ws echo`;
  return `${lines.join('\n')}\n\n${note}`;
}
