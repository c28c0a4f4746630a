/**
 * npm run bench: flowbot measured against the physical limit of the same machine, in the same run.
 *
 * Servers and load clients run as separate child processes: on a 2-core machine the server gets one
 * core and the client the other, the raw `ws` echo server and flowbot are driven by the very same
 * client code, and each memory figure comes from a fresh process that nothing else has touched.
 * The flow-compile and per-turn cost phases are pure CPU work with no sockets, so they run in this
 * process. Everything listens on 127.0.0.1 and every loop is bounded by a count and a deadline.
 *
 *   npm run bench                  the full bench (about 2 minutes), table + bench/results/latest.json
 *   npm run bench -- --profile     flowbot throughput only, server under --cpu-prof, top functions
 *   npm run bench -- --attribution throughput of echo, flowbot, and flowbot with turn writes skipped
 *   npm run bench -- --memory      idle memory per connection only
 *   npm run bench -- --stats       flow statistics over a million steps against a full scan
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { summariseProfile } from './lib/cpuprofile';
import { linkDataFolders, RESULTS_DIR } from './lib/paths';
import type { ThroughputResult } from './lib/protocol';
import { runCompilePhase } from './phases/compile';
import { runConcurrency } from './phases/concurrency';
import { runMemory } from './phases/memory';
import { type LossResult, runThroughput, type ThroughputOptions } from './phases/throughput';
import { runStatsPhase } from './phases/stats';
import { runTurnCostPhase } from './phases/turn-cost';
import { renderTable } from './report';

const THROUGHPUT: ThroughputOptions = { connections: 32, warmupMs: 3000, targetSeconds: 4 };
const ROUNDS = 2;
const IDLE_CONNECTIONS = 4000;
const CONCURRENT = 10_000;
const COMPILE_SIZES = [10, 200, 2000];
/** Steps of the version whose statistics are timed (as many again on another version). */
const STATS_STEPS = 1_000_000;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The best of several runs: noise on a shared machine only ever makes a run slower. */
function best(runs: ThroughputResult[]): ThroughputResult {
  return runs.reduce((a, b) => (b.turnsPerSecond > a.turnsPerSecond ? b : a));
}

async function profile(): Promise<void> {
  const dir = join(RESULTS_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  log('flowbot throughput with the server under --cpu-prof');
  const { result } = await runThroughput('flowbot', { ...THROUGHPUT, serverFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  log(`${result.turnsPerSecond} turns/s (profiling slows it down)`);
  const written = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const file = written[0];
  if (!file) throw new Error('no .cpuprofile was written');
  const summary = summariseProfile(file, 30);
  console.log(`profile: ${file} (${summary.totalMs} ms sampled)`);
  console.log('self time by package/folder:');
  for (const p of summary.byPackage.slice(0, 12)) console.log(`  ${p.selfPercent.toFixed(1).padStart(5)}%  ${p.name}`);
  console.log('top functions by self time:');
  for (const f of summary.functions)
    console.log(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.location}`);
  writeFileSync(join(RESULTS_DIR, 'profile-latest.json'), `${JSON.stringify({ file, ...summary }, null, 2)}\n`);
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
  const echo = await runMemory('echo', IDLE_CONNECTIONS);
  const flowbot = await runMemory('flowbot', IDLE_CONNECTIONS);
  console.log(JSON.stringify({ echo, flowbot }, null, 2));
}

async function main(): Promise<void> {
  linkDataFolders();
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (process.argv.includes('--profile')) return profile();
  if (process.argv.includes('--attribution')) return attribution();
  if (process.argv.includes('--memory')) return memoryOnly();
  if (process.argv.includes('--stats')) return console.log(JSON.stringify(await runStatsPhase(STATS_STEPS), null, 2));
  const started = performance.now();

  const echoRuns: ThroughputResult[] = [];
  const flowbotRuns: ThroughputResult[] = [];
  let loss: LossResult | undefined;
  // Alternating rounds, so that a slow spell of the machine hits both sides.
  for (let round = 1; round <= ROUNDS; round += 1) {
    log(`throughput round ${round}/${ROUNDS}: raw ws echo`);
    echoRuns.push((await runThroughput('echo', THROUGHPUT)).result);
    log(`throughput round ${round}/${ROUNDS}: flowbot`);
    const run = await runThroughput('flowbot', THROUGHPUT);
    flowbotRuns.push(run.result);
    if (run.loss) {
      loss = loss
        ? {
            ...loss,
            conversationsChecked: loss.conversationsChecked + run.loss.conversationsChecked,
            messagesCompared: loss.messagesCompared + run.loss.messagesCompared,
            mismatches: loss.mismatches + run.loss.mismatches,
            details: [...loss.details, ...run.loss.details],
          }
        : run.loss;
    }
  }

  log(`memory: ${IDLE_CONNECTIONS} idle raw ws connections (fresh process)`);
  const memEcho = await runMemory('echo', IDLE_CONNECTIONS);
  log(`memory: ${IDLE_CONNECTIONS} idle flowbot conversations (fresh process)`);
  const memFlowbot = await runMemory('flowbot', IDLE_CONNECTIONS);

  log(`concurrency: ${CONCURRENT} idle conversations in one server`);
  const concurrency = await runConcurrency(CONCURRENT, 2000);

  log('flow validation and compilation');
  const compile = runCompilePhase(COMPILE_SIZES, 1500);
  log('per-turn costs in-process (runtime, classifier, snapshot, SQLite)');
  const turnCost = await runTurnCostPhase(1500);
  log(`flow statistics over ${STATS_STEPS} steps against a full scan of the steps table`);
  const stats = await runStatsPhase(STATS_STEPS);

  const results = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    settings: { ...THROUGHPUT, rounds: ROUNDS, idleConnections: IDLE_CONNECTIONS, concurrent: CONCURRENT },
    throughput: { echo: best(echoRuns), flowbot: best(flowbotRuns), rounds: { echo: echoRuns, flowbot: flowbotRuns } },
    loss: loss ?? null,
    memory: { echo: memEcho, flowbot: memFlowbot },
    concurrency,
    compile,
    turnCost,
    stats,
    benchSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  const table = renderTable(results);
  console.log(table);
  const file = join(RESULTS_DIR, 'latest.json');
  writeFileSync(file, `${JSON.stringify({ ...results, table }, null, 2)}\n`);
  log(`wrote ${file} (${results.benchSeconds} s)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
