import type { Readable, Writable } from 'node:stream';

/** The process's streams and environment, injected so that tests run commands in-process. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function writeLine(stream: Writable, line: string): void {
  stream.write(line + '\n');
}
