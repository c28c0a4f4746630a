import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, REPO_ROOT } from '../support/child-server';
import { serverEnv, spawnLogged, until } from '../support/logged-process';

/**
 * A server that runs out of file descriptors (here: `ulimit -n 64`, then more connections than that
 * allows) drops connections. libuv does that silently; flowbot must log it, once per burst, with the
 * count in a summary, and keep serving.
 */

interface LogLine {
  level: number;
  msg: string;
  dropped?: number;
  reason?: string;
  maxSockets?: number;
  openFileLimit?: number;
}

const FD_LIMIT = 64;
const CONNECTIONS = 100;

let dir: string;
let proc: ChildProcess | undefined;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'flowbot-fd-'));
});
afterAll(() => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

(process.platform === 'linux' ? it : it.skip)(
  'logs connections dropped for lack of file descriptors, once per burst, and keeps serving',
  async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The shell lowers the limit for itself, then becomes the server (exec), which inherits it.
    const server = spawnLogged<LogLine>(
      '/bin/sh',
      ['-c', `ulimit -n ${FD_LIMIT} && exec "$0" "$@"`, process.execPath, join(REPO_ROOT, 'bin', 'flowbot.js'), 'serve'],
      serverEnv(dir, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    );
    proc = server.proc;
    const { lines, exited } = server;
    const out = server.output;
    await until(() => healthy(url), `the server to be healthy: ${out()}`);
    // Said at start: this limit leaves room for fewer connections than MAX_CONNECTIONS.
    expect(lines().find((l) => l.msg.startsWith('MAX_CONNECTIONS='))).toMatchObject({ openFileLimit: FD_LIMIT });

    const sockets: Socket[] = [];
    let dropped = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.once('close', () => (dropped += 1));
      sockets.push(socket);
    }
    await until(() => lines().some((l) => l.reason === 'connection_limit'), `a log line about dropped connections: ${out()}`);
    // Wait until the server has dealt with every connection: kept ones stay open, dropped ones close.
    await until(() => sockets.every((s) => !s.connecting), 'every connection to be accepted or refused');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seenDropped = dropped;
    expect(seenDropped).toBeGreaterThan(0);
    expect(seenDropped).toBeLessThan(CONNECTIONS);

    // One line for the burst, not one per connection.
    const first = lines().filter((l) => l.reason === 'connection_limit');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ level: 40, dropped: 1, openFileLimit: FD_LIMIT });
    expect(first[0]?.msg).toMatch(/a new connection was dropped: .* raise the open-file limit/);

    for (const socket of sockets) socket.destroy();
    await until(() => healthy(url), 'the server to serve again once the connections are gone');

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The rest of the burst is in the summary written when the window closes or at shutdown.
    const reported = lines()
      .filter((l) => l.dropped !== undefined)
      .reduce((sum, l) => sum + (l.dropped ?? 0), 0);
    expect(reported).toBe(seenDropped);
    expect(lines().filter((l) => l.dropped !== undefined).length).toBeLessThanOrEqual(3);
  },
);
