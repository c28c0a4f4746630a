import { parseArgs } from 'node:util';
import { prepareFlow } from '../../flow';
import { loadSettings } from '../../config/settings';
import { createIntentDetector } from '../../intent/create-detector';
import { detectInBlock, readTrialText } from '../../services/detect-service';
import { AppError } from '../../errors';
import { type CliIo, EXIT_INVALID, EXIT_OK, UsageError, writeLine } from '../io';
import { readFlowFile } from '../read-flow-file';
import { formatProblem } from './validate';

/**
 * `flowbot classify FILE --block ID "text"...`: what the configured intent provider answers for each
 * text at an intent block, one JSON line per text (the same answer as the REST detect endpoint, plus
 * the text). Offline with the local classifier; with OPENAI_API_KEY set it asks OpenAI, as the server does.
 * Exit 0 when every text was classified, 1 for an invalid flow, 2 for bad usage or an unknown block.
 */
export async function classifyCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseClassifyArgs>;
  try {
    parsed = parseClassifyArgs(args);
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
  const { file, block: blockId } = parsed;
  const texts = parsed.texts.map((raw) => {
    try {
      return readTrialText({ text: raw });
    } catch (err) {
      throw new UsageError(err instanceof AppError ? err.message : String(err));
    }
  });
  const read = await readFlowFile(file);
  const prepared = read.ok ? prepareFlow(read.value) : ({ ok: false, errors: [read.problem], warnings: [] } as const);
  if (!prepared.ok) {
    for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
    return EXIT_INVALID;
  }
  const block = prepared.compiled.intentBlocks.get(blockId);
  if (!block) {
    const known = [...prepared.compiled.intentBlocks.keys()].join(', ') || 'none';
    throw new UsageError(`the flow has no intent block "${blockId}" (intent blocks: ${known})`);
  }
  const { detector } = createIntentDetector(loadSettings(io.env), {
    warn: (_obj, msg) => writeLine(io.stderr, `warning: ${msg}`),
    error: (_obj, msg) => writeLine(io.stderr, `error: ${msg}`),
  });
  for (const text of texts) {
    writeLine(io.stdout, JSON.stringify({ text, ...(await detectInBlock(detector, block, text)) }));
  }
  return EXIT_OK;
}

function parseClassifyArgs(args: string[]): { file: string; block: string; texts: string[] } {
  const { values, positionals } = parseArgs({
    args,
    options: { block: { type: 'string', short: 'b' } },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...texts] = positionals;
  if (!file) throw new UsageError('missing FILE');
  if (!values.block) throw new UsageError('missing --block ID');
  if (texts.length === 0) throw new UsageError('give at least one text to classify');
  return { file, block: values.block, texts };
}
