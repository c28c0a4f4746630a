import type { ConversationLog, ServerKind, ThroughputResult } from '../lib/protocol';
import { startServer, startWorker, stopAll, type ServerChild, type WorkerChild } from './servers';

export interface LossResult {
  conversationsChecked: number;
  messagesCompared: number;
  /** Conversations whose stored history differs from what the client sent and received. */
  mismatches: number;
  details: string[];
}

export interface ThroughputOptions {
  connections: number;
  warmupMs: number;
  targetSeconds: number;
  serverEnv?: NodeJS.ProcessEnv;
}

interface HistoryMessage {
  from: string;
  text: string;
  blockId: string;
}

/**
 * No message lost: the stored history of each recorded conversation must be exactly what the client
 * sent and received, in order (the welcome, then each user message and the bot's answer).
 */
export async function checkHistory(baseUrl: string, logs: ConversationLog[]): Promise<LossResult> {
  const result: LossResult = { conversationsChecked: 0, messagesCompared: 0, mismatches: 0, details: [] };
  for (const log of logs) {
    const response = await fetch(`${baseUrl}/api/conversations/${encodeURIComponent(log.conversationId)}`);
    const body = (await response.json()) as { messages?: HistoryMessage[] };
    const stored = body.messages ?? [];
    result.conversationsChecked += 1;
    result.messagesCompared += log.entries.length;
    const same =
      stored.length === log.entries.length &&
      log.entries.every((e, i) => {
        const s = stored[i];
        return s !== undefined && s.from === e.from && s.text === e.text && s.blockId === e.blockId;
      });
    if (!same) {
      result.mismatches += 1;
      if (result.details.length < 5)
        result.details.push(
          `${log.conversationId}: client saw ${log.entries.length} messages, history has ${stored.length} (HTTP ${response.status})`,
        );
    }
  }
  return result;
}

/** One throughput run against a fresh server of `kind`, driven by a fresh load-client process. */
export async function runThroughput(
  kind: ServerKind,
  options: ThroughputOptions,
): Promise<{ result: ThroughputResult; loss?: LossResult }> {
  let server: ServerChild | undefined;
  const workers: WorkerChild[] = [];
  try {
    server = await startServer(kind, { env: options.serverEnv ?? {} });
    const worker = startWorker();
    workers.push(worker);
    // The worker marks the measured run; the server reports its CPU time at each mark.
    const cpu: Partial<Record<'start' | 'end', number>> = {};
    const target = server;
    worker.on('mark', (m) => target.send({ cmd: 'cpu', mark: m.mark }));
    server.on('cpu', (c) => (cpu[c.mark] = c.micros));
    worker.send({
      cmd: 'throughput',
      url: server.wsUrl,
      kind,
      connections: options.connections,
      warmupMs: options.warmupMs,
      targetSeconds: options.targetSeconds,
      maxTurnsPerConnection: 5000,
      record: kind === 'flowbot',
    });
    const result = await worker.next('throughput', options.targetSeconds * 1000 * 6 + options.warmupMs + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last cpu reply
    const serverCpuMicrosPerTurn =
      cpu.start !== undefined && cpu.end !== undefined && result.turns > 0
        ? Math.round(((cpu.end - cpu.start) / result.turns) * 10) / 10
        : undefined;
    const loss =
      kind === 'flowbot' && !options.serverEnv?.FLOWBOT_BENCH_SKIP_TURN_WRITES ? await checkHistory(server.url, result.logs) : undefined;
    return {
      result: { ...result, logs: [], ...(serverCpuMicrosPerTurn !== undefined ? { serverCpuMicrosPerTurn } : {}) },
      ...(loss ? { loss } : {}),
    };
  } finally {
    await stopAll(server, workers);
  }
}
