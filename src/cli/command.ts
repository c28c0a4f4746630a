import type { OptionSpec, ParsedArgs } from './args';
import type { CliIo } from './io';

/** One `flowbot` command: what the help says about it, what it takes, and what it does. */
export interface Command {
  name: string;
  /** Arguments as the usage line shows them: `FILE [--json]`. */
  synopsis: string;
  /** One line for the command list. */
  summary: string;
  /** What `flowbot help NAME` adds below the usage line. */
  description: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Names of the required positional arguments, in order (`FILE`). */
  positionals: readonly string[];
  exitCodes: string;
  /** Runs with parsed arguments; resolves with the exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
