/**
 * npm run bench: flowbot measured against floors of the same machine, in the same run.
 *
 * Servers and load clients run as separate child processes: on a 2-core machine the server gets one
 * core and the client the other; every server is driven by the very same client code, and each
 * memory figure comes from a fresh process that nothing else has touched. Three servers: the raw
 * `ws` echo (the limit of any server), the floor (bench/servers/floor-server.ts: a hand-written
 * server doing a turn's same work) and flowbot. The model path runs the floor and flowbot against
 * one OpenAI stub (bench/lib/openai-stub.ts, in this process) that answers after 300-800 ms. Every
 * loop is bounded by a count and a deadline; everything listens on 127.0.0.1.
 *
 *   npm run bench                  the full bench (about 10 minutes), table + bench/results/latest.json
 *   npm run bench -- --quick       the same table with shorter runs and 4,000 idle conversations (~4 min)
 *   npm run bench -- --profile     the local path's floor and flowbot, each profiled over the measured
 *                                  window: CPU per turn by category side by side, and top functions
 *   npm run bench -- --profile-openai  the same for the 1,000-conversation model run
 *   npm run bench -- --attribution throughput of echo, flowbot, and flowbot with turn writes skipped
 *   npm run bench -- --memory      idle memory per connection only
 *   npm run bench -- --only=model  one part of the table: local, model, idle, cpu or stats (with --quick too)
 *
 * FLOWBOT_BENCH_BASELINE=<dist-bench/bench of another build> adds that build's flowbot server as a
 * fourth side of every run (same rounds, alternating): a change measured against the unchanged code.
 *   npm run bench -- --stats       flow statistics over a million steps against a full scan (also --only=stats)
 *   npm run bench -- --postgres    local-path throughput of flowbot on PostgreSQL, one instance and two behind
 *                                  nginx, beside SQLite and the echo (bench/phases/scale-out.ts; --quick too)
 */
// First: links the data folders that src/ modules read as they load.
import './lib/data-folders';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { alternate } from './lib/alternate';
import { startOpenAiStub } from './lib/openai-stub';
import { RESULTS_DIR } from './lib/paths';
import type { ServerKind, ThroughputResult } from './lib/protocol';
import { type CompileResult, runCompilePhase } from './phases/compile';
import { planIdle, runMemory } from './phases/memory';
import { runPaced, type PacedOptions, type PacedRun } from './phases/paced';
import { profileSides, renderProfileTable, type ProfiledSide } from './phases/profile';
import { type LossResult, runThroughput, type ThroughputOptions } from './phases/throughput';
import { runStatsPhase, type StatsFigure } from './phases/stats';
import { runScaleOut } from './phases/scale-out';
import { runTurnCostPhase, type TurnCostResult } from './phases/turn-cost';
import { renderTable } from './report';
import { renderScaleOutTable } from './report-scale-out';

const QUICK = process.argv.includes('--quick');
const THROUGHPUT: ThroughputOptions = QUICK
  ? { connections: 32, warmupMs: 2000, targetSeconds: 3 }
  : { connections: 32, warmupMs: 3000, targetSeconds: 4 };
const ROUNDS = 2;
/** The model path: conversations that each send, wait for the turn, pause a second, and again. */
const MODEL_LOADS = [200, 1000];
const PACED: Omit<PacedOptions, 'conversations'> = QUICK
  ? { warmupMs: 4000, measureMs: 8000, pauseMs: 1000 }
  : { warmupMs: 5000, measureMs: 15_000, pauseMs: 1000 };
/** Idle conversations: as many as the descriptor limit allows (quick: 4,000). */
const IDLE_MAX = QUICK ? 4000 : 50_000;
const COMPILE_SIZES = [10, 200, 2000];
const BASELINE = process.env.FLOWBOT_BENCH_BASELINE !== undefined;
/** The flowbot-like sides of every comparison: flowbot, and the baseline build when one is given. */
const FLOWBOTS: ServerKind[] = BASELINE ? ['flowbot', 'baseline'] : ['flowbot'];
/** --only=local|model|idle|cpu|stats runs one part of the table (e.g. to A/B one change quickly). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const wanted = (part: 'local' | 'model' | 'idle' | 'cpu' | 'stats'): boolean => ONLY === undefined || ONLY === part;
/** Steps of the version whose statistics are timed (as many again on another version). */
const STATS_STEPS = 1_000_000;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The best of several runs: noise on a shared machine only ever makes a run slower. */
function best(runs: ThroughputResult[]): ThroughputResult {
  return runs.reduce((a, b) => (b.turnsPerSecond > a.turnsPerSecond ? b : a));
}

/** Each figure of several paced runs at its best (lowest), for the same reason. */
function bestPaced(runs: PacedRun[]): PacedRun {
  // A run with no turn inside its window (the server fell behind) has no latency figures (NaN).
  const min = (f: (r: PacedRun) => number | null | undefined): number => {
    const values = runs.map((r) => f(r) ?? NaN).filter((v) => !Number.isNaN(v));
    return values.length > 0 ? Math.min(...values) : NaN;
  };
  const first = runs[0] as PacedRun;
  return {
    ...first,
    serverCpuMicrosPerTurn: Math.min(...runs.map((r) => r.serverCpuMicrosPerTurn ?? Infinity)),
    addedMs: {
      p50: min((r) => r.addedMs.p50),
      p90: min((r) => r.addedMs.p90),
      p99: min((r) => r.addedMs.p99),
      max: min((r) => r.addedMs.max),
    },
    loopDelayMs: { p50: min((r) => r.loopDelayMs?.p50), p99: min((r) => r.loopDelayMs?.p99), max: min((r) => r.loopDelayMs?.max) },
    turnsPerSecond: Math.max(...runs.map((r) => r.turnsPerSecond)),
    measured: Math.max(...runs.map((r) => r.measured)),
    // Failures are never averaged away: all of them count.
    failures: runs.reduce((sum, r) => sum + r.failures + Math.max(0, r.allTurns - (r.modelAnswers ?? r.allTurns)), 0),
    errors: [...new Set(runs.flatMap((r) => r.errors))].slice(0, 10),
  };
}

function mergeLoss(a: LossResult | undefined, b: LossResult | undefined): LossResult | undefined {
  if (!a || !b) return a ?? b;
  return {
    conversationsChecked: a.conversationsChecked + b.conversationsChecked,
    messagesCompared: a.messagesCompared + b.messagesCompared,
    mismatches: a.mismatches + b.mismatches,
    details: [...a.details, ...b.details],
  };
}

const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/** The local path, the floor and flowbot (and the baseline) each profiled over the measured window. */
async function profile(): Promise<void> {
  log(`local path: each server profiled over the measured window of a run, best of ${ROUNDS} alternating rounds`);
  const sides = await profileSides(['floor', ...FLOWBOTS], { dir: PROFILE_DIR, label: 'local', rounds: ROUNDS }, async (kind, env) => {
    const { result } = await runThroughput(kind, { ...THROUGHPUT, serverEnv: env });
    log(`${kind}: ${result.turnsPerSecond} turns/s, ${result.serverCpuMicrosPerTurn} µs CPU per turn (profiling slows it down)`);
    return result.serverCpuMicrosPerTurn;
  });
  printProfile('local', sides);
}

/** The 1,000-conversation model run, profiled the same way. */
async function profileOpenAi(): Promise<void> {
  const stub = await startOpenAiStub();
  try {
    log(`model path, 1000 paced conversations: each server profiled over the measured window, best of ${ROUNDS} rounds`);
    const sides = await profileSides(
      ['floor', ...FLOWBOTS],
      { dir: PROFILE_DIR, label: 'model-1000', rounds: ROUNDS },
      async (kind, env) => {
        const run = await runPaced(kind, { ...PACED, conversations: 1000, stub, serverEnv: env });
        log(`${kind}: ${run.turnsPerSecond} turns/s, ${run.serverCpuMicrosPerTurn} µs CPU per turn, added p99 ${run.addedMs.p99} ms`);
        return run.serverCpuMicrosPerTurn;
      },
    );
    printProfile('model-1000', sides);
  } finally {
    await stub.close();
  }
}

function printProfile(label: string, sides: ProfiledSide[]): void {
  console.log(renderProfileTable(sides));
  for (const side of sides) {
    console.log(`\n${side.kind}: top functions by self time (${side.file})`);
    for (const f of side.top) console.log(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.name}  ${f.location}`);
  }
  const file = join(RESULTS_DIR, `profile-${label}-latest.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), sides }, null, 2)}\n`);
  log(`wrote ${file}`);
}

/** Where a turn's time goes: the same flowbot run with and without its SQLite write per turn. */
async function attribution(): Promise<void> {
  const runs: Record<string, ThroughputResult[]> = { echo: [], flowbot: [], 'flowbot, turn writes skipped': [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const name of Object.keys(runs)) {
      log(`attribution round ${round}: ${name}`);
      const kind = name === 'echo' ? 'echo' : 'flowbot';
      const env = name.includes('skipped') ? { FLOWBOT_BENCH_SKIP_TURN_WRITES: '1' } : {};
      runs[name]?.push((await runThroughput(kind, { ...THROUGHPUT, serverEnv: env })).result);
    }
  }
  const summary = Object.entries(runs).map(([name, r]) => {
    const b = best(r);
    return {
      name,
      turnsPerSecond: b.turnsPerSecond,
      p50: b.latencyMs.p50,
      p99: b.latencyMs.p99,
      serverMicrosPerTurn: Math.round(1e6 / b.turnsPerSecond),
      serverCpuMicrosPerTurn: b.serverCpuMicrosPerTurn,
    };
  });
  console.table(summary);
  writeFileSync(join(RESULTS_DIR, 'attribution-latest.json'), `${JSON.stringify({ summary, runs }, null, 2)}\n`);
}

/** Only the idle-memory comparison (fresh processes), for checking a memory change quickly. */
async function memoryOnly(): Promise<void> {
  const idle = planIdle(IDLE_MAX);
  const echo = await runMemory('echo', idle.count, idle.fdLimit);
  const flowbot = await runMemory('flowbot', idle.count, idle.fdLimit);
  console.log(JSON.stringify({ idle, echo, flowbot }, null, 2));
}

/** --postgres: the scale-out table (bench/phases/scale-out.ts). */
async function scaleOut(): Promise<void> {
  const started = performance.now();
  const runs = await runScaleOut(THROUGHPUT, ROUNDS, log);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}${QUICK ? ', quick mode' : ''}`;
  const table = renderScaleOutTable(runs, `${machine}; ${THROUGHPUT.connections} connections; best of ${ROUNDS} alternating rounds`);
  console.log(table);
  const file = join(RESULTS_DIR, QUICK ? 'postgres-latest-quick.json' : 'postgres-latest.json');
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), settings: THROUGHPUT, runs, table }, null, 2)}\n`);
  log(`wrote ${file} (${Math.round((performance.now() - started) / 1000)} s)`);
}

async function main(): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (process.argv.includes('--postgres')) return scaleOut();
  if (process.argv.includes('--profile-openai')) return profileOpenAi();
  if (process.argv.includes('--profile')) return profile();
  if (process.argv.includes('--attribution')) return attribution();
  if (process.argv.includes('--memory')) return memoryOnly();
  if (process.argv.includes('--stats')) return console.log(JSON.stringify(await runStatsPhase(STATS_STEPS), null, 2));
  const started = performance.now();

  const localSides: ServerKind[] = wanted('local') ? ['echo', 'floor', ...FLOWBOTS] : [];
  const throughput = await alternate(localSides, ROUNDS, async (kind, round) => {
    log(`local path, round ${round}/${ROUNDS}: ${kind}, ${THROUGHPUT.connections} connections flat out`);
    return runThroughput(kind, THROUGHPUT);
  });
  const loss = (throughput.get('flowbot') ?? []).reduce<LossResult | undefined>((sum, run) => mergeLoss(sum, run.loss), undefined);
  const bestOf = (kind: ServerKind): ThroughputResult | undefined => {
    const runs = throughput.get(kind)?.map((r) => r.result);
    return runs && runs.length > 0 ? best(runs) : undefined;
  };

  const stub = await startOpenAiStub();
  const model: Array<{ conversations: number; runs: Partial<Record<ServerKind, PacedRun>> }> = [];
  try {
    for (const conversations of wanted('model') ? MODEL_LOADS : []) {
      const runs = await alternate(['floor', ...FLOWBOTS], ROUNDS, async (kind, round) => {
        log(`model path, round ${round}/${ROUNDS}: ${kind}, ${conversations} conversations (a message, the turn, a 1 s pause)`);
        return runPaced(kind, { ...PACED, conversations, stub });
      });
      model.push({ conversations, runs: Object.fromEntries([...runs].map(([k, r]) => [k, bestPaced(r)])) });
    }
  } finally {
    await stub.close();
  }

  const idle = planIdle(IDLE_MAX);
  const memory: Partial<Record<ServerKind, Awaited<ReturnType<typeof runMemory>>>> = {};
  for (const kind of wanted('idle') ? (['echo', ...FLOWBOTS] as ServerKind[]) : []) {
    log(`idle: ${idle.count} idle ${kind} connections (fresh process; ${idle.note})`);
    memory[kind] = await runMemory(kind, idle.count, idle.fdLimit);
  }

  let compile: CompileResult | undefined;
  let turnCost: TurnCostResult | undefined;
  if (wanted('cpu')) {
    log('flow validation and compilation');
    compile = runCompilePhase(COMPILE_SIZES, QUICK ? 600 : 1500);
    log('per-turn costs in-process (runtime, classifier, snapshot, SQLite)');
    turnCost = await runTurnCostPhase(QUICK ? 600 : 1500);
  }
  let stats: StatsFigure | undefined;
  if (wanted('stats')) {
    log(`flow statistics over ${STATS_STEPS} steps against a full scan of the steps table`);
    stats = await runStatsPhase(STATS_STEPS);
    log(`flow statistics: ${stats.statsMs} ms, full scan ${stats.fullScanMs} ms, ratio ${stats.ratio}`);
  }

  const results = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    settings: { quick: QUICK, ...THROUGHPUT, rounds: ROUNDS, paced: PACED, modelLoads: MODEL_LOADS, idle },
    throughput: Object.fromEntries([...throughput.keys()].map((k) => [k, bestOf(k)])) as Partial<Record<ServerKind, ThroughputResult>>,
    rounds: Object.fromEntries([...throughput].map(([k, r]) => [k, r.map((x) => x.result)])),
    loss: loss ?? null,
    model,
    memory,
    ...(compile ? { compile } : {}),
    ...(turnCost ? { turnCost } : {}),
    ...(stats ? { stats } : {}),
    benchSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  const table = renderTable(results);
  console.log(table);
  const file = join(RESULTS_DIR, QUICK ? 'latest-quick.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify({ ...results, table }, null, 2)}\n`);
  log(`wrote ${file} (${results.benchSeconds} s)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
