import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './child-server';

/** A child process whose output is kept, with its JSON log lines (pino) parsed on demand. */
export interface LoggedProcess<Line> {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  lines(): Line[];
}

/** The environment a server child runs in: nothing from the developer's shell but PATH. */
export function serverEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: dir, DATABASE_PATH: join(dir, 'flowbot.sqlite'), INTENT_PROVIDER: 'local', ...extra };
}

export function spawnLogged<Line>(command: string, args: string[], env: NodeJS.ProcessEnv): LoggedProcess<Line> {
  const proc = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    output: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Line),
  };
}

/** Polls `predicate` every 50 ms; rejects naming `what` after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
