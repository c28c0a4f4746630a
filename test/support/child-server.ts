import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The real server as a child process (`node bin/flowbot.js serve`), for tests that kill it. Each one
 * listens on 127.0.0.1 at a port picked here (PORT=0 would not tell us which), logs nothing and uses
 * the local intent classifier.
 */

export const REPO_ROOT = join(__dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'flowbot.js');
const BUILT_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ (tsc) when it is missing or older than src/, so the child runs the code under test. */
export function ensureBuilt(): void {
  if (existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    timeout: 180000,
  });
}

/** A port that was free a moment ago on 127.0.0.1 (bound to 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ChildServer {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly wsUrl: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Output so far (stderr and stdout), to explain a failure. */
  output(): string;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the server on `dbPath` and resolves once /health answers 200 (or rejects after `timeoutMs`). */
export async function startChildServer(dbPath: string, timeoutMs = 20000, extraEnv: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort();
  // A clean environment: no OPENAI_API_KEY or API_TOKEN leaking in from the developer's shell.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'silent',
    INTENT_PROVIDER: 'local',
    // Load clients answer as fast as the server does: the per-user rate limit is tested elsewhere.
    WS_MESSAGES_PER_SECOND: '10000',
    WS_MESSAGE_BURST: '10000',
    ...extraEnv,
  };
  const proc = spawn(process.execPath, [BIN, 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await healthy(url))) {
    if (gone || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the server did not become healthy (${gone ? 'it exited' : 'timeout'}): ${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, url, wsUrl: `ws://127.0.0.1:${port}/ws`, exited, output: () => out };
}
