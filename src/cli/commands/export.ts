import { loadSettings } from '../../config/settings';
import { EXPORT_FORMATS, exportMachine, type ExportFormat } from '../../flow/export';
import type { Command } from '../command';
import { formatProblem, prepareFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, writeLine } from '../io';

export const exportCommand: Command = {
  name: 'export',
  synopsis: `FILE [--format ${EXPORT_FORMATS.join('|')}]`,
  summary: 'print the compiled XState machine',
  description: [
    'Validates the flow in FILE as `flowbot validate` does and prints the machine it compiles to, as the',
    'REST export does: json (the machine config), js (createMachine code for the Stately visualizer),',
    'mermaid (a stateDiagram-v2) or diagram (that Mermaid text with its block-to-node map, as JSON).',
    'Errors go to stderr.',
  ].join('\n'),
  options: {
    format: { type: 'string', valueName: EXPORT_FORMATS.join('|'), choices: EXPORT_FORMATS, description: 'output format (default: json)' },
  },
  positionals: ['FILE'],
  exitCodes: '0 exported, 1 invalid flow, 2 unreadable file, bad usage or bad setting',
  async run({ values, positionals }, io) {
    const format = (typeof values.format === 'string' ? values.format : 'json') as ExportFormat;
    const prepared = await prepareFlowFile(positionals[0] as string, loadSettings(io.env));
    if (!prepared.ok) {
      for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
      return EXIT_INVALID;
    }
    io.stdout.write(exportMachine(prepared.compiled, format).replace(/\n?$/, '\n'));
    return EXIT_OK;
  },
};
