import { type FlowLimits, SCHEMA_FLOW_LIMITS } from './limits';
import type { ValidationResult } from './problems';
import { blockCountProblem, checkRules } from './rules';
import { checkSchema } from './schema';

/**
 * Validates any value as a flow: shape (JSON Schema), meaning (semantic rules) and the operator's
 * limits, every problem at once, each with a JSON pointer. The one validation there is: the server and
 * `flowbot validate` both call it, with limits from the same settings. Never throws, whatever the input.
 */
export function validateFlow(input: unknown, limits: FlowLimits = SCHEMA_FLOW_LIMITS): ValidationResult {
  try {
    const tooManyBlocks = blockCountProblem(input, limits);
    if (tooManyBlocks) return { valid: false, errors: [tooManyBlocks], warnings: [] };
    const schemaErrors = checkSchema(input);
    const { errors, warnings } = checkRules(input, limits);
    const all = [...schemaErrors, ...errors];
    return { valid: all.length === 0, errors: all, warnings };
  } catch (err) {
    // Defence in depth: a bug in a rule must answer as a problem, not take the caller down.
    return {
      valid: false,
      errors: [
        { path: '', code: 'validator_failure', message: `the validator failed: ${err instanceof Error ? err.message : String(err)}` },
      ],
      warnings: [],
    };
  }
}
