import type { ErrorObject } from 'ajv';
import type { FlowProblem } from '../flow/problems';
import { schemaProblems } from '../flow/schema';
import { HTTP_FAILURES } from '../runtime/http-requester';

/**
 * Ajv's errors of a test document as problems a person can act on. Ajv reports a value that fits no
 * branch of a union (`anyOf`) once per branch and then once more for the union: a mock `{"status": 42}`
 * came out as four problems and `{"error": "bogus"}` as five, none of them listing the allowed values.
 * Here a union is one problem, or the problems of the one branch the value was clearly meant for.
 * Needs the errors of an Ajv compiled with `verbose` (each error carries its data and parent schema).
 */
export function testDocumentProblems(errors: readonly ErrorObject[]): FlowProblem[] {
  const seen = new Set<string>();
  return explain(errors).filter((problem) => {
    const key = `${problem.path}\u0000${problem.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Schema = Record<string, unknown>;

/** What the unions of a test document take, in words, by where they are (their descriptions say what they do instead). */
const EXPECTED: ReadonlyArray<[RegExp, string]> = [
  [/\/steps\/\d+\/end$/, 'a block id, or true (the conversation ends at any block)'],
  [/\/steps\/\d+\/intent$/, 'an intent id (or "none"), or {"error": "..."} for a detection that fails'],
  [/\/steps\/\d+\/variables\/[^/]+$/, 'a string, a number, true, false, or null (the variable is unset)'],
  [
    /\/mocks\/http\/[^/]+\/\d+$/,
    `an answer {"status": 100-599, "body", "headers"} or a failure {"error": ${HTTP_FAILURES.map((code) => `"${code}"`).join(' | ')}}, ` +
      'not both, with "method" and "url" optional checks of the call',
  ],
];

/** The value that was refused, cut short: a whole document may be one. */
function shown(data: unknown): string {
  const text = JSON.stringify(data) ?? String(data);
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}

function explain(errors: readonly ErrorObject[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const error of errors) {
    if (insideUnion(error, errors)) continue;
    if (error.keyword === 'anyOf') problems.push(...union(error, errors));
    else problems.push(...(clearer(error) ?? schemaProblems([error])));
  }
  return problems;
}

/** Whether `inner` is an error of one of the branches of `union` (its schema path under the union's, its value in the union's). */
function within(inner: ErrorObject, union: ErrorObject, branch = ''): boolean {
  const at = union.instancePath;
  return (
    inner !== union &&
    inner.schemaPath.startsWith(`${union.schemaPath}/${branch}`) &&
    (inner.instancePath === at || inner.instancePath.startsWith(`${at}/`))
  );
}

/** Whether `error` is one of a failed union's branch errors. */
function insideUnion(error: ErrorObject, errors: readonly ErrorObject[]): boolean {
  return errors.some((other) => other.keyword === 'anyOf' && within(error, other));
}

/** An error that refuses the value's kind itself: the value was not meant for that branch. */
function refusesKind(error: ErrorObject, at: string): boolean {
  return error.instancePath === at && ['type', 'const', 'enum', 'required', 'additionalProperties', 'anyOf'].includes(error.keyword);
}

function union(error: ErrorObject, errors: readonly ErrorObject[]): FlowProblem[] {
  const anyOf: unknown = error.parentSchema?.anyOf;
  const branches = Array.isArray(anyOf) ? (anyOf as Schema[]) : [];
  const byBranch = branches.map((_, i) => errors.filter((inner) => within(inner, error, `${i}/`)));
  // The branch whose every error lies deeper than the value itself: the one the value was meant for.
  const meant = byBranch.filter((branch) => branch.length > 0 && !branch.some((inner) => refusesKind(inner, error.instancePath)));
  if (meant.length === 1 && meant[0]) return explain(meant[0]);
  const constants = branches.map((branch) => branch.const);
  const expected =
    branches.length > 0 && constants.every((value) => value !== undefined)
      ? `one of ${constants.map((value) => JSON.stringify(value)).join(', ')}`
      : (EXPECTED.find(([where]) => where.test(error.instancePath))?.[1] ?? 'one of the forms the schema describes');
  return [{ path: error.instancePath, code: 'invalid_value', message: `must be ${expected}; got ${shown(error.data)}` }];
}

/** Ajv's own words where they are unclear: a range said with both its ends, a step's one key. */
function clearer(error: ErrorObject): FlowProblem[] | undefined {
  const schema: Schema | undefined = error.parentSchema;
  if (!schema) return undefined;
  const path = error.instancePath;
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].includes(error.keyword)) {
    const low: unknown = schema.exclusiveMinimum ?? schema.minimum;
    const high: unknown = schema.exclusiveMaximum ?? schema.maximum;
    const from = typeof low !== 'number' ? '' : `${schema.exclusiveMinimum !== undefined ? 'above' : 'at least'} ${low}`;
    const to = typeof high !== 'number' ? '' : `${schema.exclusiveMaximum !== undefined ? 'below' : 'at most'} ${high}`;
    const range = [from, to].filter(Boolean).join(' and ');
    return [{ path, code: 'out_of_range', message: `must be ${range}; got ${shown(error.data)}` }];
  }
  if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') {
    const keys = Object.keys((schema.properties as Schema | undefined) ?? {});
    const given = Object.keys((error.data as Schema | null) ?? {});
    const has = given.length === 0 ? 'this one has none' : `this one has ${given.map((key) => `"${key}"`).join(', ')}`;
    return [
      { path, code: 'invalid_step', message: `a step has exactly one key, one of ${keys.map((key) => `"${key}"`).join(', ')}; ${has}` },
    ];
  }
  if (error.keyword === 'additionalProperties' && schema.patternProperties !== undefined) {
    // A map keyed by variable names or block ids: the key itself is what is wrong, not an unknown field.
    const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    const what = path.endsWith('/variables') ? 'a variable name' : 'a block id';
    return [
      {
        path: `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        code: 'invalid_value',
        message: `"${key}" is not ${what}: a letter, then up to 63 letters, digits${what === 'a block id' ? ', "_" or "-"' : ' or "_"'}`,
      },
    ];
  }
  return undefined;
}
