import type { PacedResult, ServerKind } from '../lib/protocol';
import type { OpenAiStub } from '../lib/openai-stub';
import { startServer, startWorker, stopAll, type ServerChild, type WorkerChild } from './servers';

export interface PacedOptions {
  conversations: number;
  warmupMs: number;
  measureMs: number;
  /** The pause of each conversation between the end of a turn and its next message. */
  pauseMs: number;
  /** With a stub: intents come from it (the model path), each answer after 300-800 ms. */
  stub?: OpenAiStub;
  serverEnv?: NodeJS.ProcessEnv;
}

export interface PacedRun extends PacedResult {
  kind: ServerKind;
  /** Server CPU time (user + system) over the measured window, per turn that ended in it. */
  serverCpuMicrosPerTurn: number | null;
  /** The server's event-loop delay over the measured window (ms). */
  loopDelayMs: { p50: number; p99: number; max: number } | null;
  /** Completions the stub answered during the whole run (every turn asks once: nothing fell back). */
  modelAnswers: number | null;
  /** TCP connections the stub accepted during the run: a client that keeps its sockets opens few. */
  modelConnections: number | null;
}

export const MODEL_DELAY_MS = { min: 300, max: 800 };

/** One paced run against a fresh server of `kind`, driven by one load-client process. */
export async function runPaced(kind: ServerKind, options: PacedOptions): Promise<PacedRun> {
  let server: ServerChild | undefined;
  const workers: WorkerChild[] = [];
  try {
    const env = { ...options.serverEnv, ...(options.stub ? { BENCH_OPENAI_URL: options.stub.baseURL } : {}) };
    server = await startServer(kind, { env });
    const worker = startWorker();
    workers.push(worker);
    const cpu: Partial<Record<'start' | 'end', number>> = {};
    let loopDelayMs: PacedRun['loopDelayMs'] = null;
    const target = server;
    worker.on('mark', (m) => target.send({ cmd: 'cpu', mark: m.mark }));
    server.on('cpu', (c) => {
      cpu[c.mark] = c.micros;
      if (c.loopDelayMs) loopDelayMs = c.loopDelayMs;
    });
    const answeredBefore = options.stub?.answered ?? 0;
    const connectionsBefore = options.stub?.connections ?? 0;
    worker.send({
      cmd: 'paced',
      url: server.wsUrl,
      kind,
      conversations: options.conversations,
      pauseMs: options.pauseMs,
      warmupMs: options.warmupMs,
      measureMs: options.measureMs,
      modelMarkers: options.stub !== undefined,
      modelDelayMs: MODEL_DELAY_MS,
    });
    const result = await worker.next('paced', options.warmupMs + options.measureMs + 120_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last cpu reply
    const serverCpuMicrosPerTurn =
      cpu.start !== undefined && cpu.end !== undefined && result.turns > 0
        ? Math.round(((cpu.end - cpu.start) / result.turns) * 10) / 10
        : null;
    return {
      ...result,
      kind,
      serverCpuMicrosPerTurn,
      loopDelayMs,
      modelAnswers: options.stub ? options.stub.answered - answeredBefore : null,
      modelConnections: options.stub ? options.stub.connections - connectionsBefore : null,
    };
  } finally {
    await stopAll(server, workers);
  }
}
