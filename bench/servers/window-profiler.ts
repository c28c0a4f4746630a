import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * A CPU profile of the measured window only (from the load client's start mark to its end mark),
 * taken through the in-process inspector when FLOWBOT_BENCH_PROFILE_FILE names where to write it.
 * `node --cpu-prof` profiles the whole process: start-up, module loading, the warm-up's JIT and the
 * shutdown land in it, and it has to be cut afterwards by guessing where the run was.
 */
export class WindowProfiler {
  private session: Session | undefined;

  constructor(private readonly file: string) {}

  static fromEnv(): WindowProfiler | undefined {
    const file = process.env.FLOWBOT_BENCH_PROFILE_FILE;
    return file ? new WindowProfiler(file) : undefined;
  }

  start(): void {
    const session = new Session();
    session.connect();
    this.session = session;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
  }

  /** Stops sampling and writes the profile; call after the end mark's CPU time was taken. */
  stop(): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    this.session = undefined;
    return new Promise((resolve, reject) => {
      session.post('Profiler.stop', (error, result) => {
        session.disconnect();
        if (error) reject(error);
        else {
          writeFileSync(this.file, JSON.stringify(result.profile));
          resolve();
        }
      });
    });
  }
}
