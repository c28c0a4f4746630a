import Ajv2020 from 'ajv/dist/2020';
import type { TObject } from '@sinclair/typebox';
import { errors } from '../../../errors';
import { isJsonObject, type JsonObject, plain } from '../descriptions/json-schema';

/**
 * Path and query parameters checked at the edge against the route's schemas (Ajv, as everywhere in
 * flowbot): unknown, repeated and malformed parameters are 400 `invalid_parameter`, naming the
 * parameter and what it must be. Parameters arrive as text; those whose schema takes an integer are
 * read as numbers first, but only when written as one (`10`, not `1e1`, `0x10` or ` 10`).
 */

// One instance for every route: compiled once at start. Strict: a typo in a schema fails at start.
const ajv = new Ajv2020({ strict: true, allErrors: false });

export type ParameterCheck = (raw: Record<string, string | string[]>) => Record<string, unknown>;

const INTEGER_TEXT = /^-?(?:0|[1-9]\d*)$/;

function acceptsInteger(schema: JsonObject): boolean {
  if (schema.type === 'integer') return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some((branch) => isJsonObject(branch) && acceptsInteger(branch));
}

/** What a value must be, in words, from its schema: "a whole number from 1 to 100", "one of "json", "js"". */
export function mustBe(schema: JsonObject): string {
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf.filter(isJsonObject);
    if (branches.every((b) => b.const !== undefined)) return `one of ${branches.map((b) => JSON.stringify(b.const)).join(', ')}`;
    return branches.map(mustBe).join(' or ');
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'integer') {
    const { minimum, maximum } = schema;
    if (typeof minimum === 'number' && typeof maximum === 'number') return `a whole number from ${minimum} to ${maximum}`;
    if (typeof minimum === 'number') return `a whole number of at least ${minimum}`;
    return 'a whole number';
  }
  if (schema.type === 'string') {
    const { minLength, maxLength, pattern } = schema;
    // "text" alone told nothing to someone whose value was text (`/api/bots/a%20b`).
    if (typeof pattern === 'string') return `text matching ${pattern}`;
    if (typeof maxLength === 'number') return `text of ${typeof minLength === 'number' ? minLength : 0} to ${maxLength} characters`;
    return 'text';
  }
  return 'valid';
}

export function parameterCheck(schema: TObject | undefined, where: 'path' | 'query'): ParameterCheck {
  const object = plain(schema ?? { type: 'object', properties: {} });
  const properties = isJsonObject(object.properties) ? object.properties : {};
  const names = Object.keys(properties);
  const validate = ajv.compile({ ...object, additionalProperties: false });
  const takes = names.length ? `this endpoint takes ${names.join(', ')}` : 'this endpoint takes none';

  return (raw) => {
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      const property = properties[name];
      if (!isJsonObject(property)) throw errors.invalidParameter(`unknown ${where} parameter "${name}"; ${takes}`);
      if (Array.isArray(value)) throw errors.invalidParameter(`${where} parameter "${name}" is given more than once`);
      values[name] = acceptsInteger(property) && INTEGER_TEXT.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
    }
    if (!validate(values)) {
      const error = validate.errors?.[0];
      const name =
        error?.instancePath.slice(1).split('/')[0] ||
        (typeof error?.params.missingProperty === 'string' ? error.params.missingProperty : '');
      const property = properties[name];
      throw errors.invalidParameter(isJsonObject(property) ? `${name} must be ${mustBe(property)}` : `invalid ${where} parameters`);
    }
    return values;
  };
}
