import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type FlowProblem, escapeSegment } from './problems';
import { flowSchemaDocument } from './schema-document';

export { FLOW_SCHEMA_PATH } from './schema-document';

let compiled: ValidateFunction | undefined;

/** The schema compiled once per process (Ajv compiles to code: a second compile costs milliseconds). */
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(flowSchemaDocument());
  }
  return compiled;
}

const CODE_BY_KEYWORD: Record<string, string> = {
  required: 'missing_property',
  dependencies: 'missing_property',
  additionalProperties: 'unknown_property',
  type: 'invalid_type',
  pattern: 'invalid_format',
  enum: 'invalid_value',
  const: 'invalid_value',
  minLength: 'too_short',
  maxLength: 'too_long',
  minItems: 'too_few_items',
  maxItems: 'too_many_items',
  minimum: 'out_of_range',
  maximum: 'out_of_range',
};

/** Plain words for the schema's patterns (ids allow "-", variable names do not). */
const PATTERN_HINTS: Record<string, string> = {
  '^[A-Za-z][A-Za-z0-9_-]{0,63}$': 'a letter, then up to 63 letters, digits, "_" or "-"',
  '^[A-Za-z][A-Za-z0-9_]{0,63}$': 'a letter, then up to 63 letters, digits or "_"',
  '\\S': 'something other than spaces',
  '^[Hh][Tt][Tt][Pp][Ss]?://': 'an http:// or https:// URL',
  '^(\\$status|/.*)?$': 'a JSON pointer such as /status or /items/0/id, or $status',
  "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$": "an HTTP header name: letters, digits and !#$%&'*+.^_`|~-",
};

function describePattern(pattern: string): string {
  const hint = PATTERN_HINTS[pattern];
  return `must match ${pattern}${hint ? ` (${hint})` : ''}`;
}

function toProblem(error: ErrorObject): FlowProblem | undefined {
  // `if`/`then` wrappers only repeat the errors of the branch that failed.
  if (error.keyword === 'if') return undefined;
  // A bad key of `assign` or `save`: the key's own error (below, with its propertyName) says it.
  if (error.keyword === 'propertyNames') return undefined;
  const params = error.params as Record<string, unknown>;
  const code = CODE_BY_KEYWORD[error.keyword] ?? 'schema_violation';
  const base = error.instancePath;
  // A bad key of `assign`: point at the key itself, once (Ajv also reports the enclosing propertyNames).
  if (error.propertyName !== undefined) {
    const name = error.propertyName;
    return {
      path: `${base}/${escapeSegment(name)}`,
      code,
      message: `${JSON.stringify(name)} is not a variable name: ${describePattern(String(params.pattern))}`,
    };
  }
  switch (error.keyword) {
    case 'false schema': {
      // `min`/`max` on a non-numeric answer, `pattern` off a pattern answer, `value` with isSet/isEmpty.
      const field = base.slice(base.lastIndexOf('/') + 1);
      return { path: base, code: 'unknown_property', message: `"${field.replace(/~1/g, '/').replace(/~0/g, '~')}" is not used here` };
    }
    case 'required':
      return {
        path: `${base}/${escapeSegment(String(params.missingProperty))}`,
        code,
        message: `required property "${String(params.missingProperty)}" is missing`,
      };
    case 'dependencies':
      return {
        path: `${base}/${escapeSegment(String(params.missingProperty))}`,
        code,
        message: `"${String(params.missingProperty)}" is required when "${String(params.property)}" is set`,
      };
    case 'additionalProperties':
      return {
        path: `${base}/${escapeSegment(String(params.additionalProperty))}`,
        code,
        message: `unknown property "${String(params.additionalProperty)}"`,
      };
    case 'enum':
      return {
        path: base,
        code,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { path: base, code, message: describePattern(String(params.pattern)) };
    default:
      return { path: base, code, message: error.message ?? 'is invalid' };
  }
}

/** Checks the document's shape against schemas/flow.schema.json; returns every problem, deduplicated. */
export function checkSchema(input: unknown): FlowProblem[] {
  const validate = schemaValidator();
  if (validate(input)) return [];
  return schemaProblems(validate.errors ?? []);
}

/**
 * Ajv's errors as problems, each at its JSON pointer with a stable code, deduplicated: the flow schema's
 * and any other document's (a conversation test file) read the same way.
 */
export function schemaProblems(errors: readonly ErrorObject[]): FlowProblem[] {
  const seen = new Set<string>();
  const problems: FlowProblem[] = [];
  for (const error of errors) {
    const problem = toProblem(error);
    if (!problem) continue;
    const key = `${problem.path}\u0000${problem.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
