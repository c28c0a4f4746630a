/** IPC messages between the bench orchestrator (bench/index.ts) and its child processes. */

/**
 * echo: the physical limit (a raw `ws` echo). floor: a hand-written server doing a turn's same work.
 * flowbot: the real server. baseline: the real server of another build (FLOWBOT_BENCH_BASELINE), for
 * measuring a change against the unchanged code in the same run.
 */
export type ServerKind = 'echo' | 'floor' | 'flowbot' | 'baseline';

/** process.memoryUsage() after two full GCs, in bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export type ServerCommand = { cmd: 'mem' } | { cmd: 'stats' } | { cmd: 'cpu'; mark: 'start' | 'end' } | { cmd: 'stop' };

export type ServerReply =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'mem'; memory: MemorySample }
  | { type: 'stats'; connections: number; liveConversations: number }
  /**
   * process.cpuUsage() in µs, user + system, at a mark of the measured run; at the end mark also the
   * event loop's delay over the run (perf_hooks.monitorEventLoopDelay, ms).
   */
  | { type: 'cpu'; mark: 'start' | 'end'; micros: number; loopDelayMs?: { p50: number; p99: number; max: number } }
  | { type: 'fatal'; message: string };

/** One entry of a conversation as the client saw it, in order; compared with the stored history. */
export interface LogEntry {
  from: 'user' | 'bot';
  text: string;
  blockId: string;
}

export interface ConversationLog {
  conversationId: string;
  entries: LogEntry[];
}

export interface ThroughputRequest {
  cmd: 'throughput';
  url: string;
  kind: ServerKind;
  connections: number;
  /** Warm-up (also the calibration of M) before the measured run. */
  warmupMs: number;
  /** The measured run lasts about this long: M = rate × seconds / N. */
  targetSeconds: number;
  maxTurnsPerConnection: number;
  /** Keep every frame of every conversation, for the loss check. */
  record: boolean;
}

export interface ThroughputResult {
  type: 'throughput';
  connections: number;
  turnsPerConnection: number;
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: string[];
  logs: ConversationLog[];
  /** Server CPU time (user + system) per turn during the measured run: robust to a busy machine. */
  serverCpuMicrosPerTurn?: number;
}

export interface IdleRequest {
  cmd: 'idle';
  url: string;
  kind: ServerKind;
  count: number;
  /** Handshakes in flight at once. */
  concurrency: number;
  timeoutMs: number;
}

export interface IdleResult {
  type: 'idle';
  opened: number;
  seconds: number;
  errors: string[];
}

export interface ClosedResult {
  type: 'closed';
  closed: number;
  /** Connections that closed or failed on their own while they should have been idle. */
  droppedWhileIdle: number;
  errors: string[];
}

/**
 * Paced conversations, as people (and a slow model) make them: each one sends a message, waits for
 * the turn to end, pauses, and again. With `modelMarkers` every message carries a unique id (so no
 * answer cache helps) and the delay the OpenAI stub is to wait before answering it, so that the client
 * can subtract the model's own time from each turn.
 */
export interface PacedRequest {
  cmd: 'paced';
  url: string;
  kind: ServerKind;
  conversations: number;
  pauseMs: number;
  /** Turns started before this are not measured (connections opening, JIT, pools filling). */
  warmupMs: number;
  measureMs: number;
  modelMarkers: boolean;
  /** The stub's delay range, drawn uniformly per message. */
  modelDelayMs: { min: number; max: number };
}

export interface PacedResult {
  type: 'paced';
  conversations: number;
  opened: number;
  /** Turns that ended inside the measured window (the server's CPU time is read at its edges). */
  turns: number;
  /** Every turn of the run, warm-up included. */
  allTurns: number;
  seconds: number;
  turnsPerSecond: number;
  /** Turns that started and ended inside the window: the ones `addedMs` is of. */
  measured: number;
  /** Of the turns that started and ended inside the window: latency minus the model's own delay, ms. */
  addedMs: { p50: number; p90: number; p99: number; max: number };
  errors: string[];
  /** Turns that did not end within 30 s, or connections lost. */
  failures: number;
}

export type WorkerCommand = ThroughputRequest | IdleRequest | PacedRequest | { cmd: 'close-all' } | { cmd: 'exit' };
/** Sent by the worker when the measured run starts and ends, so the server's CPU time can be read. */
export interface MarkReply {
  type: 'mark';
  mark: 'start' | 'end';
}

export type WorkerReply = ThroughputResult | IdleResult | ClosedResult | PacedResult | MarkReply | { type: 'fatal'; message: string };
