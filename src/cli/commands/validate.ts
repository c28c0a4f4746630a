import { validateFlow } from '../../flow/validate';
import type { FlowProblem } from '../../flow/problems';
import { type CliIo, EXIT_INVALID, EXIT_OK, writeLine } from '../io';
import { readFlowFile } from '../read-flow-file';

export function formatProblem(problem: FlowProblem): string {
  // The root's JSON pointer is "" (not "/", which names the key ""): spell it out.
  return `${problem.path || '(document)'}: ${problem.message} (${problem.code})`;
}

/** `flowbot validate FILE [--json]`: every error and warning; exit 0 valid, 1 invalid, 2 unreadable. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const file = args.find((a) => !a.startsWith('--'));
  const read = await readFlowFile(file);
  const result = read.ok ? validateFlow(read.value) : { valid: false, errors: [read.problem], warnings: [] };
  if (json) {
    writeLine(io.stdout, JSON.stringify(result));
  } else {
    for (const error of result.errors) writeLine(io.stdout, formatProblem(error));
    for (const warning of result.warnings) writeLine(io.stdout, `warning ${formatProblem(warning)}`);
    writeLine(result.valid ? io.stdout : io.stderr, result.valid ? `${file}: valid` : `${file}: ${result.errors.length} error(s)`);
  }
  return result.valid ? EXIT_OK : EXIT_INVALID;
}
