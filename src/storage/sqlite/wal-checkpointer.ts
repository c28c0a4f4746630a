import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../util/logger';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * pushes the WAL past 1,000 pages, on the connection that commits: with `synchronous = NORMAL` that
 * is the one place a commit fsyncs (the WAL, then the database file), and the event loop stalls for
 * the length of both fsyncs (on disk: the tail of the model path in npm run bench). Here the main
 * connection has `wal_autocheckpoint = 0`, and a worker thread with a connection of its own runs a
 * PASSIVE checkpoint every CHECKPOINT_EVERY_MS: PASSIVE never waits for the writer, and the writer
 * never waits for it; the next write after a checkpoint that copied everything starts the WAL over.
 *
 * The worker starts only once the WAL has grown past START_AFTER_BYTES (a test that writes a few
 * rows never starts one), and stops before the main connection closes (whose close checkpoints
 * what is left and removes the WAL, which it can do only as the last connection).
 */

const CHECKPOINT_EVERY_MS = 1000;
/** About SQLite's own autocheckpoint threshold (1,000 pages of 4 KiB). */
const START_AFTER_BYTES = 4 * 1024 * 1024;

/**
 * The worker's code, evaluated (not a file): it must run the same from `src` under ts-jest as from
 * `dist`. It loads better-sqlite3 from the path the main thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('wal_autocheckpoint = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private readonly watch: NodeJS.Timeout;
  private errorLogged = false;

  /** `fallback` gives checkpoints back to SQLite (autocheckpoint on) if the worker dies. */
  constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
    private readonly logger: Pick<Logger, 'warn'> | undefined,
    private readonly fallback: () => void,
  ) {
    this.watch = setInterval(() => this.startIfGrown(), CHECKPOINT_EVERY_MS);
    this.watch.unref();
  }

  /** Stops the worker and waits for its connection to close. Idempotent. */
  async stop(): Promise<void> {
    clearInterval(this.watch);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      // Held while it stops: an unreferenced worker would let a process with nothing else to do exit
      // before its storage closed (as at the end of a CLI run or a test).
      worker.ref();
      worker.postMessage('stop');
    });
  }

  private startIfGrown(): void {
    if (this.worker) return;
    let size: number;
    try {
      size = fs.statSync(`${this.file}-wal`).size;
    } catch {
      return; // no WAL yet
    }
    if (size < START_AFTER_BYTES) return;
    clearInterval(this.watch);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.file,
        busyTimeoutMs: this.busyTimeoutMs,
        everyMs: CHECKPOINT_EVERY_MS,
      },
    });
    // Never what keeps a process alive: shutdown stops it, a crash leaves a WAL SQLite recovers.
    worker.unref();
    worker.on('message', (message: { error?: string }) => this.report(message.error));
    worker.on('error', (error) => this.report(error.message));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // stopped on purpose
      this.worker = undefined;
      this.fallback();
    });
    this.worker = worker;
  }

  /** A failed checkpoint loses nothing (the WAL keeps the rows); said once, as it would repeat every second. */
  private report(error: string | undefined): void {
    if (error === undefined || this.errorLogged) return;
    this.errorLogged = true;
    this.logger?.warn(
      { path: this.file, error },
      'sqlite: a WAL checkpoint in the background failed (logged once); the WAL grows until one succeeds',
    );
  }
}
