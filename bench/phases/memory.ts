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
  errors: string[];
}

/**
 * Memory per idle connection, in a fresh server process: a first batch of connections opened and
 * closed (so code paths, JIT and SQLite caches are warm in the baseline), GC, baseline; then `count`
 * idle connections (flowbot: each a conversation waiting at its first wait block), GC, measure.
 */
export async function runMemory(kind: ServerKind, count: number): Promise<MemoryResult> {
  let server: ServerChild | undefined;
  const workers: WorkerChild[] = [];
  try {
    server = await startServer(kind);
    const worker = startWorker();
    workers.push(worker);
    const errors: string[] = [];
    const open = async (n: number): Promise<void> => {
      worker.send({ cmd: 'idle', url: (server as ServerChild).wsUrl, kind, count: n, concurrency: 100, timeoutMs: 60_000 });
      const idle = await worker.next('idle', 70_000);
      errors.push(...idle.errors);
      if (idle.opened !== n) errors.push(`${kind}: opened ${idle.opened} of ${n}`);
    };
    const closeAll = async (): Promise<void> => {
      worker.send({ cmd: 'close-all' });
      await worker.next('closed', 30_000);
    };
    await open(200);
    await closeAll();
    // Closing is asynchronous on the server side too; give it a moment to release everything.
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.send({ cmd: 'mem' });
    const baseline = (await server.next('mem', 10_000)).memory;
    await open(count);
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.send({ cmd: 'mem' });
    const loaded = (await server.next('mem', 10_000)).memory;
    await closeAll();
    return {
      kind,
      connections: count,
      rssPerConnection: round((loaded.rss - baseline.rss) / count, 0),
      heapPerConnection: round((loaded.heapUsed - baseline.heapUsed) / count, 0),
      baseline,
      loaded,
      errors: [...new Set(errors)],
    };
  } finally {
    await stopAll(server, workers);
  }
}
