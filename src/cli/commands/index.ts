import type { Command } from '../command';
import { chatCommand } from './chat';
import { classifyCommand } from './classify';
import { exportCommand } from './export';
import { serveCommand } from './serve';
import { testCommand } from './test';
import { validateCommand } from './validate';

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [validateCommand, exportCommand, chatCommand, classifyCommand, testCommand, serveCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
