import { createInterface } from 'node:readline';
import { loadSettings } from '../../config/settings';
import { createIntentDetector } from '../../intent/create-detector';
import { Conversation } from '../../runtime/conversation';
import { choicesAt } from '../../flow/compile';
import type { Turn } from '../../runtime/events';
import { createFlowMachine } from '../../runtime/flow-machine';
import { guardedRequester, httpCallSettings } from '../../outbound';
import type { Command } from '../command';
import { formatProblem, prepareFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, writeLine } from '../io';
import { userMessageText, userTextProblem } from '../../util/user-text';

export const chatCommand: Command = {
  name: 'chat',
  synopsis: 'FILE',
  summary: 'talk to a flow in the terminal (stdin may be a pipe)',
  description: [
    'Runs the flow in FILE with the same runtime and intent settings as the server. Reads user lines from',
    'stdin (a pipe works: lines are answered in order) and prints each bot message as `bot> TEXT`. Where',
    'the flow offers choices they are printed numbered (`  1) Small`); a line that is just a number picks',
    'that choice. Silence counts while stdin is open. A line longer than MAX_MESSAGE_CHARS is refused',
    'with an error on stderr, as the server refuses the message.',
  ].join('\n'),
  options: {},
  positionals: ['FILE'],
  exitCodes: '0 when the flow ends or stdin closes, 1 invalid flow or failed conversation, 2 unreadable file, bad usage or bad setting',
  async run({ positionals }, io) {
    const settings = loadSettings(io.env);
    const prepared = await prepareFlowFile(positionals[0] as string, settings);
    if (!prepared.ok) {
      for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
      return EXIT_INVALID;
    }
    const { detector } = createIntentDetector(settings, {
      warn: (_obj, msg) => writeLine(io.stderr, `warning: ${msg}`),
      error: (_obj, msg) => writeLine(io.stderr, `error: ${msg}`),
    });
    const machine = createFlowMachine(prepared.compiled, { detector, http: httpCallSettings(settings, guardedRequester(settings)) });
    const interactive = Boolean((io.stdin as { isTTY?: boolean }).isTTY);
    const { maxMessageChars } = settings.limits;

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
      /** The choices offered where the flow waits now; a line that is only their number picks one. */
      let offered: ReadonlyArray<{ label: string; value: string }> = [];
      /**
       * Lines not yet sent. A line is handed over only while the flow waits, so that a number is read
       * against the choices offered at that moment, also when a pipe delivers every line at once.
       */
      const lineQueue: string[] = [];
      const idle = (): boolean => conversation.status === 'waiting' && conversation.pendingMessages === 0 && lineQueue.length === 0;
      const sendNext = (): void => {
        const text = lineQueue.shift();
        if (text === undefined) return;
        // "2" picks the second choice; any other text is sent as typed (it may still name a choice).
        const picked = /^\d{1,2}$/.test(text) ? offered[Number(text) - 1] : undefined;
        conversation.send(picked ? picked.value : text);
      };
      const conversation = new Conversation({
        machine,
        onTurn: (turn: Turn) => {
          for (const event of turn.events) {
            if (event.type === 'bot_message') writeLine(io.stdout, `bot> ${event.text}`);
            if (event.type === 'error') writeLine(io.stderr, `error: ${event.message} (${event.code})`);
            if (event.type === 'waiting') {
              offered = choicesAt(prepared.compiled, event.blockId);
              offered.forEach((choice, i) => writeLine(io.stdout, `  ${i + 1}) ${choice.label}`));
            }
          }
          if (turn.outcome === 'ended') finish(EXIT_OK);
          else if (turn.outcome === 'failed') finish(EXIT_INVALID);
          else if (lineQueue.length > 0) sendNext();
          else if (inputClosed) finish(EXIT_OK);
          else if (interactive) io.stdout.write('you> ');
        },
      });
      lines.on('line', (line) => {
        // The same reading of user text as the server's WebSocket (control characters neutralised,
        // length in user-perceived characters), so a message behaves here as it would there.
        const text = userMessageText(line);
        const problem = userTextProblem(text, maxMessageChars);
        if (problem === 'empty') return;
        if (problem === 'too_long') {
          writeLine(io.stderr, `error: the message is longer than ${maxMessageChars} characters (MAX_MESSAGE_CHARS); not sent`);
          if (interactive && idle()) io.stdout.write('you> ');
          return;
        }
        const waiting = idle();
        lineQueue.push(text);
        if (waiting) sendNext();
      });
      lines.on('close', () => {
        inputClosed = true;
        if (idle()) finish(EXIT_OK);
      });
      conversation.start();
    });
  },
};
