import { readFdLimit } from '../lib/fd-limit';
import type { MemorySample } from '../lib/protocol';
import { startServer, startWorker, stopAll, type ServerChild, type WorkerChild } from './servers';

export interface ConcurrencyResult {
  target: number;
  clientProcesses: number;
  fdLimit: { soft: number | null; hard: number | null; raisedTo: number | null; note: string };
  opened: number;
  openSeconds: number;
  serverConnections: number;
  liveConversations: number;
  /** Connections that closed or failed while they should have been held idle. */
  droppedWhileIdle: number;
  /** Live conversations left on the server after every client closed (should be 0). */
  liveAfterClose: number;
  serverMemory: MemorySample | null;
  errors: string[];
  ok: boolean;
}

const FD_HEADROOM = 200;

/**
 * Holds `target` idle conversations in one server process, opened by several client processes (each
 * has its own descriptor limit and its own core time). Raises RLIMIT_NOFILE for the children up to
 * the hard limit when the soft one is too low; reports when even the hard limit is too low.
 */
export async function runConcurrency(target: number, holdMs: number): Promise<ConcurrencyResult> {
  const limit = readFdLimit();
  const errors: string[] = [];
  const need = target + FD_HEADROOM;
  let raisedTo: number | null = null;
  let note = 'soft limit suffices';
  if (limit && limit.soft < need) {
    if (limit.hard >= need) {
      raisedTo = Number.isFinite(limit.hard) ? Math.min(limit.hard, need * 2) : need * 2;
      note = `soft limit ${limit.soft} raised to ${raisedTo} for the children (ulimit -n)`;
    } else {
      raisedTo = limit.hard;
      note = `hard limit ${limit.hard} is below the ${need} descriptors the server needs: raise it (e.g. /etc/security/limits.conf or docker --ulimit nofile)`;
      errors.push(note);
    }
  }
  const fdOptions = raisedTo === null ? {} : { fdLimit: raisedTo };
  // Clients: at most 5,000 sockets each, and fewer if their descriptor limit is lower.
  const perClientLimit = (raisedTo ?? limit?.soft ?? 1024) - FD_HEADROOM;
  const perClient = Math.max(1, Math.min(5000, perClientLimit));
  const clientProcesses = Math.ceil(target / perClient);

  let server: ServerChild | undefined;
  const workers: WorkerChild[] = [];
  try {
    server = await startServer('flowbot', fdOptions);
    for (let i = 0; i < clientProcesses; i += 1) workers.push(startWorker(fdOptions));
    const started = performance.now();
    let left = target;
    const shares = workers.map((_, i) => {
      const share = Math.ceil(left / (clientProcesses - i));
      left -= share;
      return share;
    });
    workers.forEach((w, i) =>
      w.send({
        cmd: 'idle',
        url: (server as ServerChild).wsUrl,
        kind: 'flowbot',
        count: shares[i] ?? 0,
        concurrency: 100,
        timeoutMs: 100_000,
      }),
    );
    const idle = await Promise.all(workers.map((w) => w.next('idle', 110_000)));
    const openSeconds = (performance.now() - started) / 1000;
    const opened = idle.reduce((sum, r) => sum + r.opened, 0);
    for (const r of idle) errors.push(...r.errors);

    await new Promise((resolve) => setTimeout(resolve, holdMs));
    server.send({ cmd: 'stats' });
    const held = await server.next('stats', 10_000);
    server.send({ cmd: 'mem' });
    const serverMemory = (await server.next('mem', 20_000)).memory;

    workers.forEach((w) => w.send({ cmd: 'close-all' }));
    const closed = await Promise.all(workers.map((w) => w.next('closed', 60_000)));
    const droppedWhileIdle = closed.reduce((sum, r) => sum + r.droppedWhileIdle, 0);
    for (const r of closed) errors.push(...r.errors);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    server.send({ cmd: 'stats' });
    const after = await server.next('stats', 10_000);
    const unique = [...new Set(errors)];
    return {
      target,
      clientProcesses,
      fdLimit: { soft: limit?.soft ?? null, hard: limit?.hard ?? null, raisedTo, note },
      opened,
      openSeconds: Math.round(openSeconds * 100) / 100,
      serverConnections: held.connections,
      liveConversations: held.liveConversations,
      droppedWhileIdle,
      liveAfterClose: after.liveConversations,
      serverMemory,
      errors: unique.slice(0, 20),
      ok:
        opened === target &&
        held.liveConversations === target &&
        held.connections === target &&
        droppedWhileIdle === 0 &&
        unique.length === 0,
    };
  } finally {
    await stopAll(server, workers);
  }
}
