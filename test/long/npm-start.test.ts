import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../support/child-server';
import { serverEnv, spawnLogged, until } from '../support/logged-process';

/**
 * `npm start` runs the server through a shell; a process manager that stops it sends SIGTERM to npm.
 * The server must get the signal and shut down gracefully, not be left running as an orphan.
 */

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'flowbot-npm-start-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

(process.platform === 'win32' ? it.skip : it)('npm start passes SIGTERM on: the server shuts down gracefully', async () => {
  const npm = spawnLogged<{ msg?: string; pid?: number; url?: string }>(
    'npm',
    ['start', '--silent'],
    serverEnv(dir, { PORT: '0', LOG_LEVEL: 'info' }),
  );
  let serverPid: number | undefined;
  try {
    await until(() => npm.lines().some((l) => l.msg === 'flowbot is listening'), `the server to listen: ${npm.output()}`, 30000);
    const listening = npm.lines().find((l) => l.msg === 'flowbot is listening');
    serverPid = listening?.pid;
    expect(serverPid).toBeDefined();
    expect(serverPid).not.toBe(npm.proc.pid);
    expect((await fetch(`${listening?.url}/health`)).status).toBe(200);

    npm.proc.kill('SIGTERM');
    await until(() => !alive(serverPid as number), 'the server process to exit', 15000);
    expect(npm.lines().map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    await npm.exited;
  } finally {
    if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    if (npm.proc.exitCode === null) npm.proc.kill('SIGKILL');
  }
});
