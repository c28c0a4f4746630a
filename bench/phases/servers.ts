import { join, resolve } from 'node:path';
import { Child } from '../lib/child';
import type { ServerCommand, ServerKind, ServerReply, WorkerCommand, WorkerReply } from '../lib/protocol';

export type ServerChild = Child<ServerCommand, ServerReply> & { port: number; url: string; wsUrl: string };
export type WorkerChild = Child<WorkerCommand, WorkerReply>;

/**
 * The baseline is the flowbot server of another build: FLOWBOT_BENCH_BASELINE names its compiled
 * bench folder (dist-bench/bench of a checkout of the unchanged code, see README "Performance").
 */
function scriptOf(kind: ServerKind): string {
  if (kind === 'baseline') {
    const dir = process.env.FLOWBOT_BENCH_BASELINE;
    if (!dir) throw new Error('FLOWBOT_BENCH_BASELINE is not set: the folder of the baseline build (its dist-bench/bench)');
    return join(resolve(dir), 'servers', 'flowbot-server.js');
  }
  return `servers/${kind}-server.js`;
}

/** A fresh server child of `kind`, listening on 127.0.0.1 on a port of its choice. */
export async function startServer(
  kind: ServerKind,
  options: { nodeFlags?: string[]; fdLimit?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ServerChild> {
  const child = Child.start<ServerCommand, ServerReply>(`${kind} server`, scriptOf(kind), options);
  try {
    const { port } = await child.next('ready', 30_000);
    return Object.assign(child, { port, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` });
  } catch (err) {
    await child.stop(undefined, 0);
    throw err;
  }
}

export function startWorker(options: { fdLimit?: number } = {}): WorkerChild {
  return Child.start<WorkerCommand, WorkerReply>('load client', 'load/client-worker.js', options);
}

export async function stopAll(server: ServerChild | undefined, workers: WorkerChild[]): Promise<void> {
  await Promise.all([server?.stop({ cmd: 'stop' }, 15_000), ...workers.map((w) => w.stop({ cmd: 'exit' }, 5_000))]);
}
