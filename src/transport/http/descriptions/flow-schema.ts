import { readFileSync } from 'node:fs';
import { FLOW_SCHEMA_PATH } from '../../../flow/schema';
import { isJsonObject as isObject, type JsonObject } from './json-schema';

/** Where the server serves schemas/flow.schema.json; the schema's own `$id` is this path. */
export const FLOW_SCHEMA_URL_PATH = '/schemas/flow.schema.json';

/** Where the flow schema sits in the OpenAPI document; route definitions point their flow bodies here. */
export const FLOW_SCHEMA_REF = '#/components/schemas/Flow';

type SchemaObject = JsonObject;

let text: string | undefined;

/** The schema file as it is on disk, read once: served byte for byte. */
export function flowSchemaText(): string {
  text ??= readFileSync(FLOW_SCHEMA_PATH, 'utf8');
  return text;
}

const componentName = (definition: string): string => `Flow${definition[0]!.toUpperCase()}${definition.slice(1)}`;

/** Keywords whose value is one subschema, and those whose value is a list or a map of them. */
const ONE_SCHEMA = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_MAPS = ['properties', 'patternProperties'];

/**
 * The flow schema (JSON Schema draft-07, for editors) as components of an OpenAPI 3.1 document (JSON
 * Schema 2020-12): `Flow` and one `Flow<Definition>` per definition, `#/definitions/x` references
 * rewritten to them and `dependencies` to `dependentRequired`. Derived from the file on every start,
 * so the document and the validator read the same schema.
 */
export function flowSchemaComponents(): Record<string, SchemaObject> {
  const schema = JSON.parse(flowSchemaText()) as SchemaObject;
  const { definitions, $schema: _dialect, $id: _id, ...root } = schema;
  const components: Record<string, SchemaObject> = { Flow: convert(root) };
  if (isObject(definitions)) {
    for (const [name, definition] of Object.entries(definitions)) {
      if (isObject(definition)) components[componentName(name)] = convert(definition);
    }
  }
  return components;
}

/**
 * The draft-07 idiom for "the shape depends on `type`", `allOf: [{if: {properties: {type: {const: X}}},
 * then: S}, ...]`, as the OpenAPI one, `oneOf` with a `discriminator`: the same flows are valid, and
 * client generators and renderers understand it (openapi-typescript makes a union of the block types).
 */
function discriminated(schema: SchemaObject): SchemaObject | undefined {
  const branches = Array.isArray(schema.allOf) ? schema.allOf : [];
  const cases = branches.map((branch) => {
    if (!isObject(branch) || !isObject(branch.if) || !isObject(branch.then) || typeof branch.then.$ref !== 'string') return undefined;
    const properties = isObject(branch.if.properties) ? Object.entries(branch.if.properties) : [];
    const [property, condition] = properties.length === 1 ? properties[0]! : [];
    if (!property || !isObject(condition) || typeof condition.const !== 'string') return undefined;
    return { property, value: condition.const, ref: branch.then.$ref };
  });
  if (cases.length === 0 || cases.some((c) => c === undefined)) return undefined;
  const known = cases as Array<{ property: string; value: string; ref: string }>;
  if (new Set(known.map((c) => c.property)).size !== 1) return undefined;
  const { allOf: _allOf, properties: _properties, required: _required, type: _type, ...rest } = schema;
  const converted = known.map((c) => ({ ...c, ref: (convert({ $ref: c.ref }) as { $ref: string }).$ref }));
  return {
    ...convert(rest),
    oneOf: converted.map((c) => ({ $ref: c.ref })),
    discriminator: { propertyName: known[0]!.property, mapping: Object.fromEntries(converted.map((c) => [c.value, c.ref])) },
  };
}

function convert(schema: SchemaObject): SchemaObject {
  const union = discriminated(schema);
  if (union) return union;
  const out: SchemaObject = {};
  // A free-form object (`meta`): `additionalProperties: true` is the default, said out loud for
  // generators, which otherwise type it as an object that may hold nothing.
  if (schema.type === 'object' && schema.properties === undefined && schema.additionalProperties === undefined)
    out.additionalProperties = true;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
      out.$ref = `#/components/schemas/${componentName(value.slice('#/definitions/'.length))}`;
    } else if (key === 'dependencies' && isObject(value)) {
      // Draft-07 `dependencies` is 2020-12's `dependentRequired` (property lists) and `dependentSchemas`.
      const entries = Object.entries(value);
      const lists = entries.filter(([, v]) => Array.isArray(v));
      const schemas = entries.filter(([, v]) => isObject(v)) as Array<[string, SchemaObject]>;
      if (lists.length) out.dependentRequired = Object.fromEntries(lists);
      if (schemas.length) out.dependentSchemas = Object.fromEntries(schemas.map(([name, sub]) => [name, convert(sub)]));
    } else if (ONE_SCHEMA.includes(key) && isObject(value)) {
      out[key] = convert(value);
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((item) => (isObject(item) ? convert(item) : item));
    } else if (SCHEMA_MAPS.includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? convert(sub) : sub]));
    } else {
      out[key] = value;
    }
  }
  return out;
}
