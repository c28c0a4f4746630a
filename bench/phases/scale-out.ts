import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/child-server';
import { type Nginx, startNginx } from '../../test/support/cluster/nginx';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres';
import { backendCpu, type BackendTimes, cpuBetween } from '../lib/postgres-cpu';
import type { ThroughputResult } from '../lib/protocol';
import { startServer, startWorker, type ServerChild, type WorkerChild } from './servers';
import { checkHistory, type LossResult, runThroughput, type ThroughputOptions } from './throughput';

/**
 * npm run bench -- --postgres: flowbot on PostgreSQL, one instance and two behind nginx running
 * deploy/nginx.conf, beside flowbot on SQLite, the floor and the raw ws echo, all driven by the same load-client
 * process in the same run (rounds alternate, each in reverse order of the last). Each PostgreSQL run
 * gets a fresh database on the test server (FLOWBOT_TEST_DATABASE_URL, default 127.0.0.1:5432).
 * Server CPU per turn adds up the CPU time of every instance over the measured run; the database's
 * own (its backends' CPU time, from /proc: the server is on this machine) is given beside it.
 */

export interface ScaleOutSide {
  name: string;
  instances: number;
  /** none: the raw echo; floor: the hand-written floor server (both bench/servers/). */
  storage: 'sqlite' | 'postgres' | 'none' | 'floor';
  nginx: boolean;
}

export const SCALE_OUT_SIDES: ScaleOutSide[] = [
  { name: 'raw ws echo', instances: 1, storage: 'none', nginx: false },
  { name: 'floor (SQLite)', instances: 1, storage: 'floor', nginx: false },
  { name: 'flowbot, SQLite', instances: 1, storage: 'sqlite', nginx: false },
  { name: 'flowbot, PostgreSQL, 1 instance', instances: 1, storage: 'postgres', nginx: false },
  { name: 'flowbot, PostgreSQL, 1 instance behind nginx', instances: 1, storage: 'postgres', nginx: true },
  { name: 'flowbot, PostgreSQL, 2 instances behind nginx', instances: 2, storage: 'postgres', nginx: true },
];

export interface ScaleOutRun {
  side: string;
  result: ThroughputResult;
  loss?: LossResult;
  /** PostgreSQL's backends' CPU time per turn over the measured run (µs). */
  databaseCpuMicrosPerTurn?: number;
}

/** One throughput run of `side` with fresh processes (and a fresh database). */
export async function runScaleOutSide(side: ScaleOutSide, options: ThroughputOptions): Promise<ScaleOutRun> {
  if (side.storage !== 'postgres') {
    const kind = side.storage === 'none' ? 'echo' : side.storage === 'floor' ? 'floor' : 'flowbot';
    const { result, loss } = await runThroughput(kind, options);
    return { side: side.name, result, ...(loss ? { loss } : {}) };
  }
  let db: TestDatabase | undefined;
  let nginx: Nginx | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'flowbot-bench-nginx-'));
  const servers: ServerChild[] = [];
  let worker: WorkerChild | undefined;
  try {
    db = await createTestDatabase('flowbot_bench');
    // One after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < side.instances; i += 1) {
      servers.push(await startServer('flowbot', { env: { BENCH_DATABASE_URL: db.url, BENCH_INSTANCE_ID: `bench-${i + 1}` } }));
    }
    nginx = side.nginx
      ? await startNginx(
          dir,
          await freePort(),
          servers.map((s) => s.port),
        )
      : undefined;
    const target = nginx ?? (servers[0] as ServerChild);
    const started = startWorker();
    worker = started;
    const cpu: Record<'start' | 'end', number[]> = { start: [], end: [] };
    const database: Partial<Record<'start' | 'end', Promise<BackendTimes | undefined>>> = {};
    const url = db.url;
    started.on('mark', (m) => {
      servers.forEach((s) => s.send({ cmd: 'cpu', mark: m.mark }));
      database[m.mark] = backendCpu(url).catch(() => undefined);
    });
    for (const server of servers) server.on('cpu', (c) => cpu[c.mark].push(c.micros));
    started.send({
      cmd: 'throughput',
      url: target.wsUrl,
      kind: 'flowbot',
      connections: options.connections,
      warmupMs: options.warmupMs,
      targetSeconds: options.targetSeconds,
      maxTurnsPerConnection: 5000,
      record: true,
    });
    const result = await started.next('throughput', options.targetSeconds * 1000 * 6 + options.warmupMs + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last cpu replies
    const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
    const serverCpuMicrosPerTurn =
      cpu.start.length === servers.length && cpu.end.length === servers.length && result.turns > 0
        ? Math.round(((sum(cpu.end) - sum(cpu.start)) / result.turns) * 10) / 10
        : undefined;
    const [dbStart, dbEnd] = await Promise.all([database.start, database.end]);
    const databaseCpuMicrosPerTurn =
      dbStart && dbEnd && result.turns > 0 ? Math.round((cpuBetween(dbStart, dbEnd) / result.turns) * 10) / 10 : undefined;
    const loss = await checkHistory(target.url, result.logs);
    return {
      side: side.name,
      result: { ...result, logs: [], ...(serverCpuMicrosPerTurn !== undefined ? { serverCpuMicrosPerTurn } : {}) },
      loss,
      ...(databaseCpuMicrosPerTurn !== undefined ? { databaseCpuMicrosPerTurn } : {}),
    };
  } finally {
    await Promise.all([worker?.stop({ cmd: 'exit' }, 5000), ...servers.map((s) => s.stop({ cmd: 'stop' }, 15_000))]);
    await nginx?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every side, `rounds` times, alternating; the best run of each (noise only ever slows a run down). */
export async function runScaleOut(options: ThroughputOptions, rounds: number, log: (m: string) => void): Promise<ScaleOutRun[]> {
  const runs = new Map<string, ScaleOutRun[]>(SCALE_OUT_SIDES.map((s) => [s.name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? SCALE_OUT_SIDES : [...SCALE_OUT_SIDES].reverse();
    for (const side of order) {
      log(`scale-out round ${round}/${rounds}: ${side.name}, ${options.connections} connections flat out`);
      runs.get(side.name)?.push(await runScaleOutSide(side, options));
    }
  }
  return SCALE_OUT_SIDES.map((side) => {
    const all = runs.get(side.name) ?? [];
    const best = all.reduce((a, b) => (b.result.turnsPerSecond > a.result.turnsPerSecond ? b : a));
    // Losses are never hidden by picking the best run: all of them count.
    const lossRuns = all.flatMap((r) => (r.loss ? [r.loss] : []));
    const loss = lossRuns.length
      ? lossRuns.reduce((a, b) => ({
          conversationsChecked: a.conversationsChecked + b.conversationsChecked,
          messagesCompared: a.messagesCompared + b.messagesCompared,
          mismatches: a.mismatches + b.mismatches,
          details: [...a.details, ...b.details],
        }))
      : undefined;
    return { ...best, ...(loss ? { loss } : {}) };
  });
}
