import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, REPO_ROOT } from '../child-server';
import { createTestDatabase, type TestDatabase } from './database';
import { Instance } from './instance';
import { type Nginx, startNginx } from './nginx';

/**
 * N real flowbot processes behind nginx running deploy/nginx.conf, all on 127.0.0.1. On PostgreSQL
 * they share one fresh database made for the cluster; on SQLite (one instance only: SQLite is one
 * process's file) the harness itself can be tested without a database server. `stop()` ends
 * everything it started, by pid, and drops the database; it is safe to call after any failure, and
 * the processes are also killed if the test process exits without calling it.
 */

export type ClusterStorage = 'postgres' | 'sqlite';

export interface ClusterOptions {
  instances: number;
  storage: ClusterStorage;
  /** Names the database (`flowbot_<label>_...`) and the instances (`<label>-a`, `<label>-b`, ...). */
  label: string;
  /** Settings for every instance. */
  env?: Record<string, string>;
  /** Start the instances one after the other (default) or all at once (a migration race). */
  startTogether?: boolean;
}

const live = new Set<{ kill: () => void }>();
process.once('exit', () => {
  for (const thing of live) thing.kill();
});

export class Cluster {
  readonly instances: Instance[] = [];
  nginx: Nginx | undefined;
  private stopped = false;

  private constructor(
    readonly options: ClusterOptions,
    readonly dir: string,
    readonly database: TestDatabase | undefined,
  ) {}

  /** Starts the database, the instances and nginx; on any failure stops what did start, then throws. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    if (options.storage === 'sqlite' && options.instances !== 1) throw new Error('a SQLite cluster has one instance');
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), `flowbot-cluster-${options.label}-`));
    let database: TestDatabase | undefined;
    try {
      database = options.storage === 'postgres' ? await createTestDatabase(options.label) : undefined;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const cluster = new Cluster(options, dir, database);
    try {
      const names = Array.from({ length: options.instances }, (_, i) => cluster.nameOf(i));
      if (options.startTogether) await Promise.all(names.map((name) => cluster.startInstance(name)));
      else for (const name of names) await cluster.startInstance(name);
      await cluster.startNginx();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  private nameOf(index: number): string {
    return `${this.options.label}-${String.fromCharCode(97 + index)}`;
  }

  /** The settings that put an instance on the cluster's storage. */
  storageEnv(): Record<string, string> {
    return this.database ? { DATABASE_URL: this.database.url } : { DATABASE_PATH: join(this.dir, 'flowbot.sqlite') };
  }

  /** Starts one more instance on the same storage (behind nginx once `startNginx` runs again). */
  async startInstance(name = this.nameOf(this.instances.length), env: Record<string, string> = {}): Promise<Instance> {
    const instance = await Instance.start({ instanceId: name, env: { ...this.storageEnv(), ...this.options.env, ...env } });
    this.instances.push(instance);
    const handle = { kill: () => instance.running && instance.proc.kill('SIGKILL') };
    live.add(handle);
    void instance.exited.then(() => live.delete(handle));
    return instance;
  }

  /** (Re)starts nginx in front of the running instances. */
  async startNginx(): Promise<Nginx> {
    await this.nginx?.stop();
    const upstreams = this.instances.filter((i) => i.running).map((i) => i.port);
    const nginx = await startNginx(join(this.dir, 'nginx'), await freePort(), upstreams);
    this.nginx = nginx;
    return nginx;
  }

  /** The load balancer: what every client of a real deployment talks to. */
  get lb(): Nginx {
    if (!this.nginx) throw new Error('nginx is not running');
    return this.nginx;
  }

  instance(id: string): Instance {
    const found = this.instances.find((i) => i.id === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  }

  /** Output of every instance and nginx's error log, to explain a failure. */
  diagnostics(chars = 4000): string {
    const parts = this.instances.map((i) => `--- ${i.id} (pid ${i.pid}, ${i.running ? 'running' : 'exited'})\n${i.output().slice(-chars)}`);
    return [...parts, `--- nginx error.log\n${this.nginx?.errorLog().slice(-chars) ?? ''}`].join('\n');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const errors: unknown[] = [];
    // Kept after the run (CI keeps test-artifacts/): what each process logged, to explain a failure.
    const artifacts = join(REPO_ROOT, 'test-artifacts', 'cluster');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, `${this.options.label}.log`), this.diagnostics(200_000));
    const stopping: Array<Promise<unknown>> = [...this.instances.map((i) => i.stop(5000)), this.nginx?.stop() ?? Promise.resolve()];
    await Promise.all(stopping.map((p) => p.catch((e: unknown) => errors.push(e))));
    await this.database?.drop().catch((e: unknown) => errors.push(e));
    rmSync(this.dir, { recursive: true, force: true });
    if (errors.length) throw new Error(`cluster cleanup: ${errors.map(String).join('; ')}`);
  }
}
