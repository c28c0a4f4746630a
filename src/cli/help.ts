import { HELP_OPTION, type OptionSpec } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

function optionLabel(name: string, option: OptionSpec): string {
  const long = `--${name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

function usageLine(command: Command): string {
  return `flowbot ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`;
}

/** `flowbot help`: every command and the global options. */
export function generalHelp(): string {
  return [
    'usage: flowbot <command> [options]',
    '',
    'commands:',
    ...table([
      ...COMMANDS.map((c): [string, string] => [`${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`, c.summary]),
      ['help [COMMAND]', 'show this help, or the help of one command'],
    ]),
    '',
    'options:',
    ...table([
      ['-h, --help', "show help (after a command: that command's)"],
      ['-v, --version', 'print the version'],
    ]),
    '',
    'Settings are environment variables, as for the server (see the README). Exit codes: 0 success,',
    '1 invalid flow, 2 bad usage, unreadable file or bad setting.',
  ].join('\n');
}

/** `flowbot help NAME`, `flowbot NAME --help`. */
export function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, help: HELP_OPTION });
  return [
    `usage: ${usageLine(command)}`,
    '',
    command.description,
    '',
    'options:',
    ...table(options.map(([name, option]): [string, string] => [optionLabel(name, option), option.description])),
    '',
    `exit codes: ${command.exitCodes}`,
  ].join('\n');
}
