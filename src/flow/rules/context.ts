import type { BlockEntry } from '../document';
import type { BlockGraph } from '../graph';
import type { FlowLimits } from '../limits';
import type { FlowProblem } from '../problems';
import type { Suggester } from './suggest';

/** What every rule reads (the document, seen as blocks and as a graph) and where it reports. */
export interface RuleContext {
  /** `start` as found: any value. */
  start: unknown;
  blocks: readonly BlockEntry[];
  graph: BlockGraph;
  limits: FlowLimits;
  suggester: Suggester;
  errors: FlowProblem[];
  warnings: FlowProblem[];
}

/** One semantic rule: reads the context, pushes problems, never throws on a malformed document. */
export type Rule = (context: RuleContext) => void;
