import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Ajv set up to validate answers and frames against the schemas of an API description: the
 * document's `components.schemas` are registered once under `https://flowbot.test/components`, and every
 * `#/components/schemas/X` reference inside them and inside the schemas compiled later points there.
 * OpenAPI 3.1 schemas are JSON Schema 2020-12; AsyncAPI 3.0's default schema format is draft-07.
 */
export class SchemaSet {
  private readonly ajv: Ajv | Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(components: Record<string, unknown>, dialect: '2020-12' | 'draft-07') {
    // Not strict: descriptions carry annotations Ajv does not know (`x-enumDescriptions`, `example`).
    const options = { strict: false, allErrors: true, validateFormats: true };
    this.ajv = dialect === '2020-12' ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'https://flowbot.test/components', $defs: relink(components) });
  }

  /** A validator for `schema`, compiled once per distinct schema. */
  validator(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(relink(schema) as object);
      this.cache.set(key, validate);
    }
    return validate;
  }

  /** Problems of `value` against `schema`, in words; empty when it is valid. */
  problems(schema: unknown, value: unknown): string[] {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
  }
}

/** Deep copy with `#/components/schemas/X` references turned into `https://flowbot.test/components#/$defs/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, sub]) => [
      key,
      key === '$ref' && typeof sub === 'string' && sub.startsWith('#/components/schemas/')
        ? `https://flowbot.test/components#/$defs/${sub.slice('#/components/schemas/'.length)}`
        : relink(sub),
    ]),
  );
}
