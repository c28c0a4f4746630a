import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, REPO_ROOT } from '../support/child-server';

/**
 * `flowbot serve` with a DATABASE_PATH this user may not write: exit 2 like any bad setting, one
 * message that names the variable and the permission problem, no stack trace. Permissions mean nothing
 * to root, so as root the server runs as `nobody` (uid 65534).
 */

const root = process.getuid?.() === 0;
const user = root ? { uid: 65534, gid: 65534 } : {};
const uid = root ? 65534 : process.getuid?.();

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'flowbot-dbpath-'));
  chmodSync(dir, 0o755);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function serveWith(databasePath: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'flowbot.js'), 'serve'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', DATABASE_PATH: databasePath, INTENT_PROVIDER: 'local' },
    encoding: 'utf8',
    timeout: 20000,
    ...user,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

(process.platform === 'win32' ? describe.skip : describe)('an unusable DATABASE_PATH', () => {
  it.each<[string, () => string, RegExp]>([
    [
      'a folder this user cannot write',
      () => {
        const folder = join(dir, 'read-only');
        mkdirSync(folder, { mode: 0o555 });
        chmodSync(folder, 0o555);
        return join(folder, 'flowbot.sqlite');
      },
      new RegExp(`permission denied: the folder ".*read-only" is not writable by this user \\(uid ${uid}\\)`),
    ],
    [
      'a folder that cannot be created',
      () => {
        const folder = join(dir, 'locked');
        mkdirSync(folder, { mode: 0o555 });
        chmodSync(folder, 0o555);
        return join(folder, 'db', 'flowbot.sqlite');
      },
      new RegExp(`cannot create the folder ".*locked/db": permission denied for this user \\(uid ${uid}\\) \\(EACCES\\)`),
    ],
    [
      'a database file this user cannot write',
      () => {
        const folder = join(dir, 'shared');
        mkdirSync(folder, { mode: 0o777 });
        chmodSync(folder, 0o777);
        const file = join(folder, 'flowbot.sqlite');
        writeFileSync(file, '');
        chmodSync(file, 0o444);
        return file;
      },
      new RegExp(`permission denied: the file ".*shared/flowbot.sqlite" is not readable and writable by this user \\(uid ${uid}\\)`),
    ],
  ])('%s: exit 2, DATABASE_PATH and the permission problem named, no stack trace', (_name, prepare, problem) => {
    const databasePath = prepare();
    const { status, stdout, stderr } = serveWith(databasePath);
    expect(status).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^flowbot serve: invalid settings:\\n  DATABASE_PATH="${databasePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": cannot open the database: `,
      ),
    );
    expect(stderr).toMatch(problem);
    expect(stderr.trim().split('\n')).toHaveLength(2);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at /);
  });
});
