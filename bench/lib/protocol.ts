/** IPC messages between the bench orchestrator (bench/index.ts) and its child processes. */

export type ServerKind = 'echo' | 'flowbot';

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
  /** process.cpuUsage() in µs, user + system, at a mark of the measured run. */
  | { type: 'cpu'; mark: 'start' | 'end'; micros: number }
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

export type WorkerCommand = ThroughputRequest | IdleRequest | { cmd: 'close-all' } | { cmd: 'exit' };
/** Sent by the worker when the measured run starts and ends, so the server's CPU time can be read. */
export interface MarkReply {
  type: 'mark';
  mark: 'start' | 'end';
}

export type WorkerReply = ThroughputResult | IdleResult | ClosedResult | MarkReply | { type: 'fatal'; message: string };
