/** The flow model: format, validation, compilation and exports. Knows nothing of HTTP, SQL or sockets. */
import { compileFlow, type CompiledFlow } from './compile';
import { type FlowLimits, SCHEMA_FLOW_LIMITS } from './limits';
import type { FlowProblem } from './problems';
import type { Flow } from './types';
import { validateFlow } from './validate';

export * from './types';
export * from './problems';
export { validateFlow } from './validate';
export { type FlowLimits, SCHEMA_FLOW_LIMITS } from './limits';
export { FLOW_SCHEMA_CAPS, type FlowSchemaCaps } from './schema-caps';
export { parseFlowSource, type ParsedSource } from './source';
export { outgoingEdges, type BlockEdge, type FieldPath } from './edges';
export { secretUses, unsetSecretWarnings, type SecretUse } from './secrets';
export { compileFlow, type CompiledFlow, type IntentBlockInfo } from './compile';
export { exportMachine, isExportFormat, EXPORT_FORMATS, EXPORT_CONTENT_TYPES, type ExportFormat } from './export';

export type PreparedFlow =
  { ok: true; flow: Flow; compiled: CompiledFlow; warnings: FlowProblem[] } | { ok: false; errors: FlowProblem[]; warnings: FlowProblem[] };

/** Validates any value and, when valid, compiles it (what services and the CLI do with flows from outside). */
export function prepareFlow(input: unknown, limits: FlowLimits = SCHEMA_FLOW_LIMITS): PreparedFlow {
  const result = validateFlow(input, limits);
  if (!result.valid) return { ok: false, errors: result.errors, warnings: result.warnings };
  const flow = input as Flow;
  return { ok: true, flow, compiled: compileFlow(flow), warnings: result.warnings };
}
