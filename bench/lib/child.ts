import { type ChildProcess, spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';

/**
 * A bench child process (a server or a load client) driven over Node's IPC channel. Each one runs a
 * compiled script from dist-bench/bench and is killed by its own pid when the bench is done with it.
 */
export class Child<Command extends object, Reply extends { type: string }> {
  private readonly inbox: Reply[] = [];
  private waiter: (() => void) | undefined;
  private readonly handlers = new Map<string, (message: Reply) => void>();
  private exited = false;
  readonly exit: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    proc.on('message', (message) => {
      const handler = this.handlers.get((message as Reply).type);
      if (handler) {
        handler(message as Reply);
        return;
      }
      this.inbox.push(message as Reply);
      this.waiter?.();
    });
    this.exit = new Promise((resolve) =>
      proc.on('exit', (code) => {
        this.exited = true;
        this.waiter?.();
        resolve(code);
      }),
    );
  }

  /**
   * Starts `script` (relative to dist-bench/bench) with --expose-gc and `nodeFlags`. With `fdLimit`,
   * the child goes through `sh -c 'ulimit -n N; exec node ...'`: Node cannot raise its own RLIMIT_NOFILE,
   * and the IPC descriptor survives the exec.
   */
  static start<C extends object, R extends { type: string }>(
    name: string,
    script: string,
    options: { nodeFlags?: string[]; fdLimit?: number; env?: NodeJS.ProcessEnv } = {},
  ): Child<C, R> {
    const args = ['--expose-gc', ...(options.nodeFlags ?? []), isAbsolute(script) ? script : join(__dirname, '..', script)];
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    const env = { ...process.env, ...options.env };
    const proc =
      options.fdLimit === undefined
        ? spawn(process.execPath, args, { stdio, env })
        : spawn('/bin/sh', ['-c', `ulimit -n ${options.fdLimit} && exec "$0" "$@"`, process.execPath, ...args], { stdio, env });
    return new Child<C, R>(name, proc);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Handles every reply of `type` as it arrives, instead of queueing it for next(). */
  on<T extends Reply['type']>(type: T, handler: (message: Extract<Reply, { type: T }>) => void): void {
    this.handlers.set(type, handler as (message: Reply) => void);
  }

  send(command: Command): void {
    this.proc.send(command);
  }

  /** The next reply of `type`; rejects on a `fatal` reply, on exit, or after `timeoutMs`. */
  async next<T extends Reply['type']>(type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'fatal');
      if (index >= 0) {
        const [message] = this.inbox.splice(index, 1);
        if (message && message.type === 'fatal') throw new Error(`${this.name}: ${(message as { message?: string }).message ?? 'failed'}`);
        return message as Extract<Reply, { type: T }>;
      }
      if (this.exited) throw new Error(`${this.name} exited before sending "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Asks the child to stop (`stopCommand`), then kills it by pid if it has not exited in time. */
  async stop(stopCommand: Command | undefined, graceMs = 5000): Promise<void> {
    if (this.exited) return;
    if (stopCommand && this.proc.connected) this.proc.send(stopCommand);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}
