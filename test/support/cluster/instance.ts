import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '../child-server';
import { until } from '../logged-process';

/**
 * One flowbot server process (`node bin/flowbot.js serve`, the built dist/) of a cluster. It listens
 * on 127.0.0.1 at a port of its own choosing (PORT=0) and says which in its "flowbot is listening"
 * log line; logs are kept (the last part) to explain a failure.
 */

/** FLOWBOT_TEST_SERVER_ROOT runs another checkout's build (its bin/ and dist/) under the same tests. */
const SERVER_ROOT = process.env.FLOWBOT_TEST_SERVER_ROOT ?? REPO_ROOT;
const BIN = `${SERVER_ROOT}/bin/flowbot.js`;
const KEEP_OUTPUT = 200_000;

export interface InstanceOptions {
  instanceId: string;
  /** DATABASE_URL (PostgreSQL) or DATABASE_PATH (SQLite) and any other setting. */
  env: Record<string, string>;
  timeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Instance {
  private out = '';
  private exitStatus: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  port = 0;

  private constructor(
    readonly id: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.out += chunk.toString();
      if (this.out.length > KEEP_OUTPUT * 2) this.out = this.out.slice(-KEEP_OUTPUT);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      }),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  output(): string {
    return this.out;
  }

  /** JSON log lines (pino) so far. */
  logs(): Array<Record<string, unknown>> {
    return this.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** Starts the server and resolves once it listens and /health answers 200. */
  static async start(options: InstanceOptions): Promise<Instance> {
    // A clean environment: no OPENAI_API_KEY, API_TOKEN or DATABASE_URL from the developer's shell.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      INTENT_PROVIDER: 'local',
      INSTANCE_ID: options.instanceId,
      // Load clients answer as fast as the server does: the per-user rate limit is tested elsewhere.
      WS_MESSAGES_PER_SECOND: '10000',
      WS_MESSAGE_BURST: '10000',
      ...options.env,
    };
    const proc = spawn(process.execPath, [BIN, 'serve'], { cwd: SERVER_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const instance = new Instance(options.instanceId, proc);
    try {
      await until(
        () => !instance.running || instance.listeningPort() !== undefined,
        `${options.instanceId} to listen`,
        options.timeoutMs ?? 30000,
      );
      const port = instance.listeningPort();
      if (port === undefined) throw new Error(`exited ${JSON.stringify(instance.exitStatus)}`);
      instance.port = port;
      await until(async () => !instance.running || (await instance.healthStatus()) === 200, `${options.instanceId} /health 200`, 30000);
      if (!instance.running) throw new Error(`exited ${JSON.stringify(instance.exitStatus)}`);
      return instance;
    } catch (err) {
      proc.kill('SIGKILL');
      await instance.exited;
      throw new Error(`${options.instanceId} did not start: ${(err as Error).message}\n${instance.out.slice(-3000)}`);
    }
  }

  private listeningPort(): number | undefined {
    const line = this.logs().find((l) => l.msg === 'flowbot is listening');
    const url = typeof line?.url === 'string' ? new URL(line.url) : undefined;
    return url ? Number(url.port) : undefined;
  }

  async healthStatus(): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return undefined;
    }
  }

  async health(): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as Record<string, unknown>;
  }

  /** SIGSTOP: the process is frozen (its sockets stay open, nothing it holds is released). */
  pause(): void {
    if (this.running) process.kill(this.pid, 'SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    if (this.running) process.kill(this.pid, 'SIGCONT');
  }

  /** kill -9, resolving once the process is gone. */
  async kill(): Promise<ExitStatus> {
    if (this.running) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** Graceful stop (SIGTERM), then SIGKILL after `graceMs`; a paused process is continued first. */
  async stop(graceMs = 10000): Promise<ExitStatus> {
    if (!this.running) return this.exited;
    this.proc.kill('SIGTERM');
    this.resume();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }
}
