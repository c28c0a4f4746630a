import { blockEntries, isRecord } from '../document';
import { readGraph } from '../graph';
import type { FlowLimits } from '../limits';
import type { FlowProblem } from '../problems';
import { answerBounds } from './answers';
import { uniqueBlockIds } from './block-ids';
import { duplicateChoices } from './choices';
import { httpBlocks } from './http';
import type { Rule, RuleContext } from './context';
import { intentIds } from './intent-ids';
import { operatorLimits } from './limits';
import { loopsWithoutWait } from './loops';
import { intentBeforeWait, unreachableBlocks } from './reachability';
import { references } from './references';
import { patterns } from './patterns';
import { Suggester } from './suggest';
import { templates } from './templates';
import { reservedVariables } from './variables';
import { variablesMaybeUnset } from './dataflow';

export { blockCountProblem } from './limits';

/** The rules a flow meets beyond its shape, in the order their problems are listed. */
const RULES: readonly Rule[] = [
  uniqueBlockIds,
  intentIds,
  reservedVariables,
  references,
  duplicateChoices,
  answerBounds,
  patterns,
  httpBlocks,
  loopsWithoutWait,
  intentBeforeWait,
  unreachableBlocks,
  templates,
  variablesMaybeUnset,
  operatorLimits,
];

/**
 * Runs every semantic rule on a possibly malformed document, so that one upload reports every problem
 * at once; never throws.
 */
export function checkRules(doc: unknown, limits: FlowLimits): { errors: FlowProblem[]; warnings: FlowProblem[] } {
  const context: RuleContext = {
    start: isRecord(doc) ? doc.start : undefined,
    blocks: blockEntries(doc),
    graph: readGraph(doc),
    limits,
    suggester: new Suggester(),
    errors: [],
    warnings: [],
  };
  for (const rule of RULES) rule(context);
  return { errors: context.errors, warnings: context.warnings };
}
