import { createInterface } from 'node:readline';
import { prepareFlow } from '../../flow';
import { loadSettings } from '../../config/settings';
import { createIntentDetector } from '../../intent/create-detector';
import { Conversation } from '../../runtime/conversation';
import { createFlowMachine } from '../../runtime/flow-machine';
import type { Turn } from '../../runtime/events';
import { type CliIo, EXIT_INVALID, EXIT_OK, writeLine } from '../io';
import { readFlowFile } from '../read-flow-file';
import { formatProblem } from './validate';

/**
 * `flowbot chat FILE`: a conversation in the terminal with the same runtime and intent settings as the
 * server. Reads user lines from stdin (a pipe works: lines are queued and answered in order) and prints
 * each bot message as `bot> TEXT`. Exits 0 when the flow ends or stdin closes and every line is answered.
 */
export async function chatCommand(args: string[], io: CliIo): Promise<number> {
  const read = await readFlowFile(args.find((a) => !a.startsWith('--')));
  const prepared = read.ok ? prepareFlow(read.value) : ({ ok: false, errors: [read.problem], warnings: [] } as const);
  if (!prepared.ok) {
    for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
    return EXIT_INVALID;
  }
  const settings = loadSettings(io.env);
  const { detector } = createIntentDetector(settings, {
    warn: (_obj, msg) => writeLine(io.stderr, `warning: ${msg}`),
    error: (_obj, msg) => writeLine(io.stderr, `error: ${msg}`),
  });
  const machine = createFlowMachine(prepared.compiled, { detector });
  const interactive = Boolean((io.stdin as { isTTY?: boolean }).isTTY);

  return new Promise<number>((resolve) => {
    let inputClosed = false;
    let done = false;
    const lines = createInterface({ input: io.stdin, terminal: false });
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      lines.close();
      conversation.stop();
      resolve(code);
    };
    const conversation = new Conversation({
      machine,
      onTurn: (turn: Turn) => {
        for (const event of turn.events) {
          if (event.type === 'bot_message') writeLine(io.stdout, `bot> ${event.text}`);
          if (event.type === 'error') writeLine(io.stderr, `error: ${event.message} (${event.code})`);
        }
        if (turn.outcome === 'ended') finish(EXIT_OK);
        else if (turn.outcome === 'failed') finish(EXIT_INVALID);
        else if (inputClosed && conversation.pendingMessages === 0) finish(EXIT_OK);
        else if (interactive && conversation.pendingMessages === 0) io.stdout.write('you> ');
      },
    });
    lines.on('line', (line) => {
      const text = line.trim();
      if (text) conversation.send(text.slice(0, 2000));
    });
    lines.on('close', () => {
      inputClosed = true;
      if (conversation.status === 'waiting' && conversation.pendingMessages === 0) finish(EXIT_OK);
    });
    conversation.start();
  });
}
