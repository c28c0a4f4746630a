import type { Readable, Writable } from 'node:stream';

/** The process's streams and environment, injected so that tests run commands in-process. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
/** The flow is invalid (or, for `chat`, the conversation failed). */
export const EXIT_INVALID = 1;
/** Bad usage, an unreadable file or a bad setting. */
export const EXIT_USAGE = 2;

/** Bad usage: reported on stderr with a pointer to the help, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help explains the usage; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function writeLine(stream: Writable, line: string): void {
  stream.write(line + '\n');
}
