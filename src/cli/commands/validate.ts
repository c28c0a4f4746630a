import { flowLimitsOf } from '../../config/limits';
import { loadSettings, type Settings } from '../../config/settings';
import { unsetSecretWarnings, validateFlow, type ValidationResult } from '../../flow';
import type { Command } from '../command';
import { formatProblem, readFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, writeLine } from '../io';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export const validateCommand: Command = {
  name: 'validate',
  synopsis: 'FILE [--json]',
  summary: 'check a flow as the server checks an upload',
  description: [
    'Prints every error and warning of the flow in FILE, one per line, each with its JSON pointer and',
    "code. The checks are the server's own, with the limits of the same settings (MAX_BODY_BYTES,",
    'MAX_FLOW_BLOCKS, MAX_INTENTS_PER_BLOCK, MAX_TEXT_CHARS): a file passes here when an upload of it',
    'passes, and fails with the same codes.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', description: 'print the result as one JSON object: {"valid", "errors", "warnings"}' },
  },
  positionals: ['FILE'],
  exitCodes: '0 valid (warnings allowed), 1 invalid (malformed JSON included), 2 unreadable file, bad usage or bad setting',
  async run({ values, positionals }, io) {
    const file = positionals[0] as string;
    const settings = loadSettings(io.env);
    const source = await readFlowFile(file, settings.limits.maxBodyBytes);
    const result: ValidationResult = source.ok
      ? withSecretWarnings(validateFlow(source.value, flowLimitsOf(settings)), source.value, settings)
      : { valid: false, errors: [source.problem], warnings: [] };
    if (values.json === true) {
      writeLine(io.stdout, JSON.stringify(result));
    } else {
      for (const error of result.errors) writeLine(io.stdout, formatProblem(error));
      for (const warning of result.warnings) writeLine(io.stdout, `warning ${formatProblem(warning)}`);
      const warnings = result.warnings.length ? ` (${plural(result.warnings.length, 'warning')})` : '';
      if (result.valid) writeLine(io.stdout, `${file}: valid${warnings}`);
      else writeLine(io.stderr, `${file}: ${plural(result.errors.length, 'error')}${warnings}`);
    }
    return result.valid ? EXIT_OK : EXIT_INVALID;
  },
};

/** The server's upload warnings about secrets it does not have, for the same environment. */
function withSecretWarnings(result: ValidationResult, doc: unknown, settings: Settings): ValidationResult {
  const missing = unsetSecretWarnings(doc, (name) => Object.hasOwn(settings.secrets, name));
  return missing.length ? { ...result, warnings: [...result.warnings, ...missing] } : result;
}
