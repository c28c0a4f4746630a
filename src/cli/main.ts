import { SettingsError } from '../config/settings';
import { chatCommand } from './commands/chat';
import { classifyCommand } from './commands/classify';
import { exportCommand } from './commands/export';
import { serveCommand } from './commands/serve';
import { validateCommand } from './commands/validate';
import { type CliIo, EXIT_USAGE, UsageError, writeLine } from './io';

const USAGE = `usage: flowbot <command>

  validate FILE [--json]                   check a flow; exit 0 valid, 1 invalid, 2 unreadable
  export FILE [--format json|js|mermaid]   print the compiled XState machine
  chat FILE                                talk to a flow in the terminal (stdin may be a pipe)
  classify FILE --block ID "text"...       what intent detection answers for each text (JSON lines)
  serve                                    run the server (as npm start)`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  validate: validateCommand,
  export: exportCommand,
  chat: chatCommand,
  classify: classifyCommand,
  serve: serveCommand,
};

/** The `flowbot` command line (contract §7). Resolves with the exit code. */
export async function main(
  argv: string[],
  io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    writeLine(io.stdout, USAGE);
    return 0;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    writeLine(io.stderr, name ? `flowbot: unknown command "${name}"\n\n${USAGE}` : USAGE);
    return EXIT_USAGE;
  }
  try {
    return await command(args, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof SettingsError) {
      writeLine(io.stderr, `flowbot ${name}: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
