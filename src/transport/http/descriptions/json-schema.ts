/** Plain JSON values and JSON Schema objects, as the description generators handle them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A TypeBox schema as plain JSON: its symbol keys (TypeBox's own bookkeeping) dropped. */
export function plain(schema: unknown): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Replaces every subschema that has a `title` by a reference to a named component (`prefix + title`),
 * registering it in `components` once. Two different schemas with one title are a bug in the
 * definitions, found at start rather than left for the document to be silently wrong.
 */
export function hoistTitled(value: Json, components: Record<string, JsonObject>, prefix: string): Json {
  if (Array.isArray(value)) return value.map((item) => hoistTitled(item, components, prefix));
  if (!isJsonObject(value)) return value;
  const walked = Object.fromEntries(Object.entries(value).map(([key, sub]) => [key, hoistTitled(sub, components, prefix)]));
  const title = value.title;
  if (typeof title !== 'string' || !COMPONENT_NAME.test(title)) return walked;
  const known = components[title];
  if (known && JSON.stringify(known) !== JSON.stringify(walked)) throw new Error(`two different schemas are both titled ${title}`);
  components[title] = walked;
  return { $ref: `${prefix}${title}` };
}
