import { loadSettings } from '../../config/settings';
import { createIntentDetector } from '../../intent/create-detector';
import { detectInBlock, readTrialText } from '../../services/detect-service';
import { AppError } from '../../errors';
import type { Command } from '../command';
import { formatProblem, prepareFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, UsageError, writeLine } from '../io';

export const classifyCommand: Command = {
  name: 'classify',
  synopsis: 'FILE --block ID TEXT...',
  summary: 'what intent detection answers for each text at an intent block (JSON lines)',
  description: [
    'Validates the flow in FILE as `flowbot validate` does and asks the configured intent provider (same',
    'settings as the server: the local classifier offline, OpenAI when OPENAI_API_KEY is set) about each',
    'TEXT at the intent block ID. Prints one JSON object per text: the text and the answer of the REST',
    'detect endpoint (intent, confidence, provider, ranking).',
  ].join('\n'),
  options: { block: { type: 'string', short: 'b', valueName: 'ID', description: 'the intent block to ask at (required)' } },
  positionals: ['FILE', 'TEXT...'],
  exitCodes: '0 classified, 1 invalid flow, 2 unreadable file, bad usage, no such intent block or bad setting',
  async run({ values, positionals }, io) {
    const [file, ...raw] = positionals as [string, ...string[]];
    const blockId = values.block;
    if (typeof blockId !== 'string') throw new UsageError('missing --block ID', 'classify');
    const settings = loadSettings(io.env);
    const texts = raw.map((text) => {
      try {
        return readTrialText({ text }, settings.limits.maxMessageChars);
      } catch (err) {
        throw new UsageError(err instanceof AppError ? err.message : String(err), 'classify');
      }
    });
    const prepared = await prepareFlowFile(file, settings);
    if (!prepared.ok) {
      for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
      return EXIT_INVALID;
    }
    const block = prepared.compiled.intentBlocks.get(blockId);
    if (!block) {
      const known = [...prepared.compiled.intentBlocks.keys()].join(', ') || 'none';
      throw new UsageError(`the flow has no intent block "${blockId}" (intent blocks: ${known})`, 'classify');
    }
    const { detector } = createIntentDetector(settings, {
      warn: (_obj, msg) => writeLine(io.stderr, `warning: ${msg}`),
      error: (_obj, msg) => writeLine(io.stderr, `error: ${msg}`),
    });
    for (const text of texts) writeLine(io.stdout, JSON.stringify({ text, ...(await detectInBlock(detector, block, text)) }));
    return EXIT_OK;
  },
};
