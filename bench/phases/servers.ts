import { Child } from '../lib/child';
import type { ServerCommand, ServerKind, ServerReply, WorkerCommand, WorkerReply } from '../lib/protocol';

export type ServerChild = Child<ServerCommand, ServerReply> & { port: number; url: string; wsUrl: string };
export type WorkerChild = Child<WorkerCommand, WorkerReply>;

const SCRIPTS: Record<ServerKind, string> = { echo: 'servers/echo-server.js', flowbot: 'servers/flowbot-server.js' };

/** A fresh server child of `kind`, listening on 127.0.0.1 on a port of its choice. */
export async function startServer(
  kind: ServerKind,
  options: { nodeFlags?: string[]; fdLimit?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ServerChild> {
  const child = Child.start<ServerCommand, ServerReply>(`${kind} server`, SCRIPTS[kind], options);
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
