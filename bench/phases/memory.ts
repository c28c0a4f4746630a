import { PARK_AFTER_MS } from '../../src/config/limits';
import { readFdLimit } from '../lib/fd-limit';
import type { MemorySample, ServerKind } from '../lib/protocol';
import { round } from '../lib/stats';
import { startServer, startWorker, stopAll, type ServerChild, type WorkerChild } from './servers';

export interface MemoryResult {
  kind: ServerKind;
  connections: number;
  /** Bytes per idle connection (RSS and JS heap deltas after full GCs). */
  rssPerConnection: number;
  heapPerConnection: number;
  baseline: MemorySample;
  loaded: MemorySample;
  clientProcesses: number;
  /** What the server held while idle: every connection open, every flowbot conversation live. */
  serverConnections: number;
  liveConversations: number;
  /** Connections that closed or failed while they should have been held idle. */
  droppedWhileIdle: number;
  /** Live conversations left on the server after every client closed (should be 0). */
  liveAfterClose: number;
  errors: string[];
}

export interface IdlePlan {
  count: number;
  /** RLIMIT_NOFILE for the children (through `ulimit -n`), when the soft limit is lower than needed. */
  fdLimit: number | undefined;
  note: string;
}

/** Descriptors the server keeps besides its connections (SQLite, IPC, listening socket, stdio). */
const FD_HEADROOM = 1000;
const PER_CLIENT = 5000;

/**
 * As many idle conversations as the descriptor limit allows: the hard limit (which the children may
 * raise their soft limit to) less some headroom, at most `max`.
 */
export function planIdle(max: number): IdlePlan {
  const limit = readFdLimit();
  if (!limit) return { count: Math.min(max, 900), fdLimit: undefined, note: 'no /proc/self/limits: assuming 1024 descriptors' };
  const hard = Number.isFinite(limit.hard) ? limit.hard : max + FD_HEADROOM;
  const count = Math.max(100, Math.min(max, hard - FD_HEADROOM));
  const need = Math.min(hard, count + FD_HEADROOM);
  const fdLimit = limit.soft < need ? need : undefined;
  const note =
    `descriptor limit ${limit.soft} soft / ${Number.isFinite(limit.hard) ? limit.hard : 'unlimited'} hard` +
    (fdLimit ? `, raised to ${fdLimit} for the children` : '');
  return { count, fdLimit, note };
}

/**
 * Memory per idle connection, in a fresh server process: a first batch of connections opened and
 * closed (so code paths, JIT and SQLite caches are warm in the baseline), GC, baseline; then `count`
 * idle connections (flowbot: each a conversation waiting at its first wait block) opened by as many
 * client processes as it takes (each holds at most 5,000 sockets), held, GC, measure; then every
 * client closes and the server must be left with no live conversation.
 */
export async function runMemory(kind: ServerKind, count: number, fdLimit?: number): Promise<MemoryResult> {
  let server: ServerChild | undefined;
  const workers: WorkerChild[] = [];
  const fd = fdLimit === undefined ? {} : { fdLimit };
  try {
    server = await startServer(kind, fd);
    const clientProcesses = Math.ceil(count / PER_CLIENT);
    for (let i = 0; i < clientProcesses; i += 1) workers.push(startWorker(fd));
    const errors: string[] = [];
    const url = server.wsUrl;
    const open = async (n: number): Promise<void> => {
      let left = n;
      const shares = workers.map((_, i) => {
        const share = Math.ceil(left / (workers.length - i));
        left -= share;
        return share;
      });
      workers.forEach((w, i) => w.send({ cmd: 'idle', url, kind, count: shares[i] ?? 0, concurrency: 100, timeoutMs: 200_000 }));
      const idle = await Promise.all(workers.map((w) => w.next('idle', 210_000)));
      for (const r of idle) errors.push(...r.errors);
      const opened = idle.reduce((sum, r) => sum + r.opened, 0);
      if (opened !== n) errors.push(`${kind}: opened ${opened} of ${n}`);
    };
    const closeAll = async (): Promise<number> => {
      workers.forEach((w) => w.send({ cmd: 'close-all' }));
      const closed = await Promise.all(workers.map((w) => w.next('closed', 60_000)));
      for (const r of closed) errors.push(...r.errors);
      return closed.reduce((sum, r) => sum + r.droppedWhileIdle, 0);
    };
    await open(200);
    await new Promise((resolve) => setTimeout(resolve, PARK_AFTER_MS + 500));
    await closeAll();
    // Closing is asynchronous on the server side too; give it a moment to release everything.
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.send({ cmd: 'mem' });
    const baseline = (await server.next('mem', 10_000)).memory;
    await open(count);
    // Conversations keep their actor for PARK_AFTER_MS after their last turn: measure them parked.
    await new Promise((resolve) => setTimeout(resolve, PARK_AFTER_MS + 1000));
    server.send({ cmd: 'stats' });
    const held = await server.next('stats', 10_000);
    server.send({ cmd: 'mem' });
    const loaded = (await server.next('mem', 30_000)).memory;
    const droppedWhileIdle = await closeAll();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    server.send({ cmd: 'stats' });
    const after = await server.next('stats', 10_000);
    return {
      kind,
      connections: count,
      rssPerConnection: round((loaded.rss - baseline.rss) / count, 0),
      heapPerConnection: round((loaded.heapUsed - baseline.heapUsed) / count, 0),
      baseline,
      loaded,
      clientProcesses,
      serverConnections: held.connections,
      liveConversations: held.liveConversations,
      droppedWhileIdle,
      liveAfterClose: after.liveConversations,
      errors: [...new Set(errors)].slice(0, 20),
    };
  } finally {
    await stopAll(server, workers);
  }
}

/** Every connection opened and held, no error, and (flowbot) one live conversation each, none left after. */
export function idleHeld(m: MemoryResult): boolean {
  const live = m.kind === 'echo' ? true : m.liveConversations === m.connections && m.liveAfterClose === 0;
  return m.serverConnections === m.connections && m.droppedWhileIdle === 0 && m.errors.length === 0 && live;
}
