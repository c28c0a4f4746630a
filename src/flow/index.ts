/** The flow model: format, validation, compilation and exports. Knows nothing of HTTP, SQL or sockets. */
import { compileFlow, type CompiledFlow } from './compile';
import type { FlowProblem } from './problems';
import type { Flow } from './types';
import { validateFlow } from './validate';

export * from './types';
export * from './problems';
export { validateFlow } from './validate';
export { compileFlow, type CompiledFlow, type IntentBlockInfo } from './compile';
export { exportMachine, isExportFormat, EXPORT_FORMATS, EXPORT_CONTENT_TYPES, type ExportFormat } from './export';

export type PreparedFlow =
  { ok: true; flow: Flow; compiled: CompiledFlow; warnings: FlowProblem[] } | { ok: false; errors: FlowProblem[]; warnings: FlowProblem[] };

/** Validates any value and, when valid, compiles it (what services do with flows from outside). */
export function prepareFlow(input: unknown): PreparedFlow {
  const result = validateFlow(input);
  if (!result.valid) return { ok: false, errors: result.errors, warnings: result.warnings };
  const flow = input as Flow;
  return { ok: true, flow, compiled: compileFlow(flow), warnings: result.warnings };
}
