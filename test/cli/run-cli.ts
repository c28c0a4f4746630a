import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `flowbot ARGV` in-process with its own streams and environment (INTENT_PROVIDER=local by default). */
export async function runCli(argv: string[], input?: string, env: Record<string, string> = {}): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  if (input !== undefined) stdin.end(input);
  const code = await main(argv, { stdin, stdout, stderr, env: { INTENT_PROVIDER: 'local', ...env } });
  return { code, stdout: out, stderr: err };
}

/** A folder of flow files for one test file; `write` returns the path. */
export function flowFiles(prefix: string): (name: string, content: unknown) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
    return path;
  };
}
