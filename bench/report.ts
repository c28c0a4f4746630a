import type { ThroughputResult } from './lib/protocol';
import type { CompileResult } from './phases/compile';
import type { ConcurrencyResult } from './phases/concurrency';
import type { MemoryResult } from './phases/memory';
import type { LossResult } from './phases/throughput';
import type { TurnCostResult } from './phases/turn-cost';

export interface BenchResults {
  machine: { cores: number; cpu: string; node: string };
  settings: { connections: number; rounds: number };
  throughput: { echo: ThroughputResult; flowbot: ThroughputResult };
  loss: LossResult | null;
  memory: { echo: MemoryResult; flowbot: MemoryResult };
  concurrency: ConcurrencyResult;
  compile: CompileResult;
  turnCost: TurnCostResult;
}

type Row = [metric: string, limit: string, flowbot: string, ratio: string, target: string, met: string];

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const fixed = (n: number, d = 2): string => n.toFixed(d);
const verdict = (ok: boolean): string => (ok ? 'yes' : '**no**');

/** The one table: flowbot next to the limit measured in the same run, ratios and targets. */
export function renderTable(r: BenchResults): string {
  const { echo, flowbot } = r.throughput;
  const rate = flowbot.turnsPerSecond / echo.turnsPerSecond;
  const mem = r.memory.flowbot.rssPerConnection / r.memory.echo.rssPerConnection;
  const c = r.concurrency;
  const t = r.turnCost;
  const lossOk = r.loss !== null && r.loss.mismatches === 0 && r.loss.conversationsChecked > 0;
  const rows: Row[] = [
    [
      'full turns/s (best of rounds)',
      fixed(echo.turnsPerSecond, 0),
      fixed(flowbot.turnsPerSecond, 0),
      fixed(rate),
      '≥ 0.50',
      verdict(rate >= 0.5),
    ],
    [
      'server CPU per turn (µs, user + sys)',
      fixed(echo.serverCpuMicrosPerTurn ?? NaN, 1),
      fixed(flowbot.serverCpuMicrosPerTurn ?? NaN, 1),
      fixed((flowbot.serverCpuMicrosPerTurn ?? NaN) / (echo.serverCpuMicrosPerTurn ?? NaN)),
      '',
      '',
    ],
    [
      'turn latency p50 (ms)',
      fixed(echo.latencyMs.p50, 3),
      fixed(flowbot.latencyMs.p50, 3),
      fixed(flowbot.latencyMs.p50 / echo.latencyMs.p50),
      '',
      '',
    ],
    [
      'turn latency p99 (ms)',
      fixed(echo.latencyMs.p99, 3),
      fixed(flowbot.latencyMs.p99, 3),
      fixed(flowbot.latencyMs.p99 / echo.latencyMs.p99),
      '',
      '',
    ],
    [
      `RSS per idle connection (${r.memory.echo.connections})`,
      kib(r.memory.echo.rssPerConnection),
      kib(r.memory.flowbot.rssPerConnection),
      fixed(mem),
      '≤ 2.00',
      verdict(mem <= 2),
    ],
    [
      'JS heap per idle connection',
      kib(r.memory.echo.heapPerConnection),
      kib(r.memory.flowbot.heapPerConnection),
      fixed(r.memory.flowbot.heapPerConnection / r.memory.echo.heapPerConnection),
      '',
      '',
    ],
    [
      `${c.target.toLocaleString('en')} concurrent idle conversations`,
      '',
      `${c.liveConversations} live, ${c.droppedWhileIdle} dropped, ${c.errors.length} errors, ${c.clientProcesses} clients, RSS ${(c.serverMemory ? c.serverMemory.rss / 2 ** 20 : 0).toFixed(0)} MiB`,
      '',
      `${c.target} open, no errors`,
      verdict(c.ok),
    ],
    ...r.compile.sizes.map((s): Row => [
      `validate + compile ${s.blocks} blocks (ms)`,
      '',
      `${fixed(s.totalMs)} (validate ${fixed(s.validateMs)}, compile ${fixed(s.compileMs)}, machine ${fixed(s.machineMs)}; first ${fixed(s.firstTotalMs)})`,
      '',
      s.blocks === 2000 ? '< 200' : '',
      s.blocks === 2000 ? verdict(s.firstTotalMs < 200 && s.totalMs < 200) : '',
    ]),
    [
      'SQLite appendTurn per turn, alone / 32 at once (µs)',
      `no-op ${fixed(t.noopUs, 2)}`,
      `${fixed(t.appendTurnUs, 1)} / ${fixed(t.appendTurnConcurrentUs, 1)}`,
      '',
      '',
      '',
    ],
    [
      'in-process turn: runtime / classify / snapshot / stringify (µs)',
      '',
      `${fixed(t.runtimeTurnUs, 1)} / ${fixed(t.classifyUs, 1)} / ${fixed(t.persistedSnapshotUs, 1)} / ${fixed(t.snapshotStringifyUs, 1)} (${t.snapshotBytes} B)`,
      '',
      '',
      '',
    ],
    [
      'messages lost',
      '',
      r.loss
        ? `${r.loss.mismatches} of ${r.loss.conversationsChecked} conversations differ (${r.loss.messagesCompared} messages compared)`
        : 'not checked',
      '',
      'none',
      verdict(lossOk),
    ],
  ];
  const header: Row = ['metric', 'raw ws echo (limit)', 'flowbot', 'ratio', 'target', 'met'];
  const lines = [header, ['---', '---:', '---:', '---:', '---', '---'] as Row, ...rows].map((row) => `| ${row.join(' | ')} |`);
  const note =
    `${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}; ${r.settings.connections} connections, ` +
    `${flowbot.turnsPerConnection} turns each for flowbot, ${echo.turnsPerConnection} for echo, best of ${r.settings.rounds} rounds`;
  return `${lines.join('\n')}\n\n${note}`;
}
