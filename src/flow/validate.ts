import { checkSchema } from './schema';
import { checkSemantics } from './semantic';
import type { ValidationResult } from './problems';

/**
 * Validates any value as a flow: shape (JSON Schema) and meaning (semantic rules), every problem at
 * once, each with a JSON pointer. Never throws, whatever the input.
 */
export function validateFlow(input: unknown): ValidationResult {
  try {
    const schemaErrors = checkSchema(input);
    const { errors, warnings } = checkSemantics(input);
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
