import { exportMachine, isExportFormat, EXPORT_FORMATS } from '../../flow/export';
import { prepareFlow } from '../../flow';
import { type CliIo, EXIT_INVALID, EXIT_OK, UsageError, writeLine } from '../io';
import { readFlowFile } from '../read-flow-file';
import { formatProblem } from './validate';

/** `flowbot export FILE [--format json|js|mermaid]`: the compiled machine, as the REST export gives it. */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  let format: string = 'json';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--format') format = args[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else rest.push(arg);
  }
  if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const read = await readFlowFile(rest[0]);
  const prepared = read.ok ? prepareFlow(read.value) : ({ ok: false, errors: [read.problem], warnings: [] } as const);
  if (!prepared.ok) {
    for (const error of prepared.errors) writeLine(io.stderr, formatProblem(error));
    return EXIT_INVALID;
  }
  io.stdout.write(exportMachine(prepared.compiled, format).replace(/\n?$/, '\n'));
  return EXIT_OK;
}
