import { SettingsError } from '../config/settings';
import { parseCommandArgs } from './args';
import { closestMatch } from '../util/edit-distance';
import { COMMANDS, findCommand } from './commands';
import { commandHelp, generalHelp } from './help';
import { type CliIo, EXIT_OK, EXIT_USAGE, UsageError, writeLine } from './io';
import { packageVersion } from './version';

const DEFAULT_IO: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };

/**
 * The `flowbot` command line (documented in the README, "Command line"). Resolves with the exit code:
 * 0 success, 1 invalid flow, 2 bad usage, unreadable file or bad setting.
 */
export async function main(argv: readonly string[], io: CliIo = DEFAULT_IO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const prefix = err.command ? `flowbot ${err.command}` : 'flowbot';
      const help = err.command ? `flowbot help ${err.command}` : 'flowbot help';
      writeLine(io.stderr, `${prefix}: ${err.message}\nrun "${help}" for usage`);
      return EXIT_USAGE;
    }
    if (err instanceof SettingsError) {
      writeLine(io.stderr, `flowbot${argv[0] ? ` ${argv[0]}` : ''}: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    writeLine(io.stderr, generalHelp());
    return EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    if (args.length) throw new UsageError(`${name} takes no arguments`);
    writeLine(io.stdout, `flowbot ${packageVersion()}`);
    return EXIT_OK;
  }
  if (name === 'help' || name === '--help' || name === '-h') return help(args, io);
  if (name.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(name)}; options go after the command`);
  const command = findCommand(name) ?? unknownCommand(name);
  const parsed = parseCommandArgs(command.name, args, command.options, command.positionals);
  if (parsed.values.help === true) {
    writeLine(io.stdout, commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(parsed, io);
  } catch (err) {
    // A file a command cannot read is reported by that command (`flowbot validate: cannot read ...`).
    if (err instanceof UsageError && err.command === undefined) throw new UsageError(err.message, command.name);
    throw err;
  }
}

function unknownCommand(name: string): never {
  const near = closestMatch(name, COMMANDS.map((c) => c.name).concat('help'), 2);
  throw new UsageError(`unknown command ${JSON.stringify(name)}${near ? `; did you mean "${near}"?` : ''}`);
}

/** `flowbot help [COMMAND]`. */
function help(args: readonly string[], io: CliIo): number {
  if (args.length > 1) throw new UsageError(`help takes one command at most; got ${args.join(' ')}`);
  const [name] = args;
  // `help` is no entry of COMMANDS; `flowbot help help` is the list that explains it.
  if (name === undefined || name === 'help') {
    writeLine(io.stdout, generalHelp());
    return EXIT_OK;
  }
  writeLine(io.stdout, commandHelp(findCommand(name) ?? unknownCommand(name)));
  return EXIT_OK;
}
