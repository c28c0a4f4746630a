/**
 * A load-client child process. It runs the same client code against either server, so the two are
 * compared on equal terms; it lives in its own process so that it has a core of its own (the server
 * has the other one on a 2-core machine) and its own descriptor limit for thousands of sockets.
 */
import type { IdleRequest, PacedRequest, ThroughputRequest, WorkerCommand, WorkerReply } from '../lib/protocol';
import { round, summary } from '../lib/stats';
import { BenchConnection, markedText, TURN_TEXTS } from './connection';

const LIFETIME_MS = 480_000;

function reply(message: WorkerReply): void {
  process.send?.(message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Opens `count` connections with at most `concurrency` handshakes in flight. */
async function openMany(
  url: string,
  request: Pick<IdleRequest, 'kind' | 'count' | 'concurrency'>,
  record: boolean,
  errors: string[],
  onGone: (reason: string) => void,
): Promise<BenchConnection[]> {
  const opened: BenchConnection[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < request.count) {
      next += 1;
      try {
        opened.push(await BenchConnection.open(url, request.kind, record, onGone));
      } catch (err) {
        if (errors.length < 20) errors.push(`open: ${errorText(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.count) }, lane));
  return opened;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function throughput(request: ThroughputRequest): Promise<void> {
  const errors: string[] = [];
  const note = (e: string): void => {
    if (errors.length < 20) errors.push(e);
  };
  const conns = await openMany(
    request.url,
    { kind: request.kind, count: request.connections, concurrency: 50 },
    request.record,
    errors,
    (r) => note(`dropped: ${r}`),
  );

  // Warm-up doubles as calibration: every connection runs turns until the time is up.
  // Only the second half counts for calibration: the first is JIT and cache warm-up.
  let warmTurns = 0;
  const warmStart = performance.now();
  const countFrom = warmStart + request.warmupMs / 2;
  await withTimeout(
    Promise.all(
      conns.map(async (conn, c) => {
        for (let i = c; performance.now() - warmStart < request.warmupMs; i += 1) {
          await conn.turn(TURN_TEXTS[i % TURN_TEXTS.length] as string);
          if (performance.now() >= countFrom) warmTurns += 1;
        }
      }),
    ),
    request.warmupMs + 30_000,
    'warm-up',
  ).catch((err: unknown) => note(`warm-up: ${errorText(err)}`));
  const warmRate = warmTurns / ((performance.now() - countFrom) / 1000);
  const perConnection = Math.max(
    10,
    Math.min(request.maxTurnsPerConnection, Math.ceil((warmRate * request.targetSeconds) / Math.max(1, conns.length))),
  );

  // The measured run: exactly N × M turns, each timed from send to the frame that ends it.
  const latencies = new Float64Array(conns.length * perConnection);
  let done = 0;
  reply({ type: 'mark', mark: 'start' });
  const start = performance.now();
  await withTimeout(
    Promise.all(
      conns.map(async (conn, c) => {
        for (let i = 0; i < perConnection; i += 1) {
          const t0 = performance.now();
          await conn.turn(TURN_TEXTS[(c + i) % TURN_TEXTS.length] as string);
          latencies[done++] = performance.now() - t0;
        }
      }),
    ),
    request.targetSeconds * 1000 * 5 + 30_000,
    'measured run',
  ).catch((err: unknown) => note(`run: ${errorText(err)}`));
  const seconds = (performance.now() - start) / 1000;
  reply({ type: 'mark', mark: 'end' });
  const sorted = latencies.subarray(0, done).sort();
  const result: WorkerReply = {
    type: 'throughput',
    connections: conns.length,
    turnsPerConnection: perConnection,
    turns: done,
    seconds: round(seconds, 3),
    turnsPerSecond: round(done / seconds, 1),
    latencyMs: summary(sorted),
    errors,
    logs: request.record ? conns.map((conn) => ({ conversationId: conn.conversationId, entries: conn.log ?? [] })) : [],
  };
  for (const conn of conns) conn.close();
  await withTimeout(Promise.all(conns.map((conn) => conn.closed())), 10_000, 'close').catch(() => undefined);
  reply(result);
}

const TURN_TIMEOUT_MS = 30_000;

/**
 * Paced conversations: each sends, waits for the turn, pauses `pauseMs`, and again, until the
 * measured window is over. Starts are spread over the first pause so that the load is even. What
 * counts is the latency each turn has beyond the model's own delay (all of it without a model).
 */
async function paced(request: PacedRequest): Promise<void> {
  const errors: string[] = [];
  const note = (e: string): void => {
    if (errors.length < 20) errors.push(e);
  };
  let failures = 0;
  const conns = await openMany(request.url, { kind: request.kind, count: request.conversations, concurrency: 100 }, false, errors, (r) => {
    failures += 1;
    note(`dropped: ${r}`);
  });
  const added: number[] = [];
  let sequence = 0;
  const begin = performance.now();
  const measureFrom = begin + request.warmupMs;
  const measureTo = measureFrom + request.measureMs;
  // The server's CPU time is read at the window's edges, and divided by the turns that ended inside it.
  let completed = 0;
  let allTurns = 0;
  const startTimer = setTimeout(() => reply({ type: 'mark', mark: 'start' }), request.warmupMs);
  const endTimer = setTimeout(() => reply({ type: 'mark', mark: 'end' }), request.warmupMs + request.measureMs);
  const { min, max } = request.modelDelayMs;
  await Promise.all(
    conns.map(async (conn, c) => {
      await new Promise((resolve) => setTimeout(resolve, (c / conns.length) * request.pauseMs));
      for (let i = c; performance.now() < measureTo && !conn.gone; i += 1) {
        const base = TURN_TEXTS[i % TURN_TEXTS.length] as string;
        const delay = request.modelMarkers ? Math.round(min + Math.random() * (max - min)) : 0;
        const text = request.modelMarkers ? markedText(base, (sequence += 1), delay) : base;
        const t0 = performance.now();
        try {
          await withTimeout(conn.turn(text), TURN_TIMEOUT_MS, 'a turn');
        } catch (err) {
          failures += 1;
          note(errorText(err));
          return;
        }
        const t1 = performance.now();
        allTurns += 1;
        if (t1 >= measureFrom && t1 <= measureTo) completed += 1;
        if (t0 >= measureFrom && t1 <= measureTo) added.push(t1 - t0 - delay);
        await new Promise((resolve) => setTimeout(resolve, request.pauseMs));
      }
    }),
  );
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  const sorted = Float64Array.from(added).sort();
  const seconds = request.measureMs / 1000;
  for (const conn of conns) conn.close();
  await withTimeout(Promise.all(conns.map((conn) => conn.closed())), 20_000, 'close').catch(() => undefined);
  reply({
    type: 'paced',
    conversations: request.conversations,
    opened: conns.length,
    turns: completed,
    allTurns,
    seconds,
    turnsPerSecond: round(completed / seconds, 1),
    measured: sorted.length,
    addedMs: sorted.length > 0 ? summary(sorted, 2) : { p50: NaN, p90: NaN, p99: NaN, max: NaN },
    errors,
    failures,
  });
}

let idle: BenchConnection[] = [];
let droppedWhileIdle = 0;
const idleErrors: string[] = [];

async function openIdle(request: IdleRequest): Promise<void> {
  const start = performance.now();
  const opened = await withTimeout(
    openMany(request.url, request, false, idleErrors, (reason) => {
      droppedWhileIdle += 1;
      if (idleErrors.length < 20) idleErrors.push(`dropped: ${reason}`);
    }),
    request.timeoutMs,
    `opening ${request.count} connections`,
  ).catch((err: unknown) => {
    idleErrors.push(errorText(err));
    return [] as BenchConnection[];
  });
  idle = opened;
  reply({ type: 'idle', opened: opened.length, seconds: round((performance.now() - start) / 1000, 2), errors: [...idleErrors] });
}

async function closeAll(): Promise<void> {
  const live = idle.filter((c) => !c.gone);
  for (const conn of live) conn.close();
  await withTimeout(Promise.all(live.map((conn) => conn.closed())), 20_000, 'closing').catch((err: unknown) =>
    idleErrors.push(errorText(err)),
  );
  reply({ type: 'closed', closed: live.length, droppedWhileIdle, errors: [...idleErrors] });
  idle = [];
}

const lifetime = setTimeout(() => process.exit(3), LIFETIME_MS);
lifetime.unref();
process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const command = raw as WorkerCommand;
  const run = (): Promise<void> => {
    switch (command.cmd) {
      case 'throughput':
        return throughput(command);
      case 'idle':
        return openIdle(command);
      case 'paced':
        return paced(command);
      case 'close-all':
        return closeAll();
      case 'exit':
        process.exit(0);
    }
  };
  run().catch((err: unknown) => reply({ type: 'fatal', message: errorText(err) }));
});
