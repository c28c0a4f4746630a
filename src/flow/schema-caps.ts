import { isRecord, type JsonRecord } from './document';
import { flowSchemaDocument } from './schema-document';

/**
 * The flow format's own limits, read out of schemas/flow.schema.json so that each number is written
 * once, in the schema. Operator limits (MAX_INTENTS_PER_BLOCK, MAX_TEXT_CHARS) may only go below them;
 * the README's table is checked against this object by a test.
 */
export interface FlowSchemaCaps {
  /** `name` of the flow, characters. */
  readonly nameChars: number;
  /** `description` of the flow, characters. */
  readonly descriptionChars: number;
  /** Block and intent ids, characters. */
  readonly idChars: number;
  /** `saveAs` variable names, characters. */
  readonly variableNameChars: number;
  /** A `message` or `end` text, characters. */
  readonly textChars: number;
  /** Intents in one intent block. */
  readonly intentsPerBlock: number;
  /** An intent's `description`, characters. */
  readonly intentDescriptionChars: number;
  /** `examples` of one intent. */
  readonly examplesPerIntent: number;
  /** One example, characters. */
  readonly exampleChars: number;
  /** Largest `maxNoMatch`. */
  readonly maxNoMatch: number;
  /** Largest `timeoutMs` of an http block, milliseconds. */
  readonly httpTimeoutMs: number;
}

/** The value at a JSON pointer of the schema; a schema without it is a build error, found at start. */
function at(schema: JsonRecord, pointer: string): unknown {
  let value: unknown = schema;
  for (const segment of pointer.split('/').slice(1)) value = isRecord(value) ? value[segment] : undefined;
  return value;
}

function numberAt(schema: JsonRecord, pointer: string): number {
  const value = at(schema, pointer);
  if (typeof value !== 'number') throw new Error(`flow schema: no number at ${pointer}`);
  return value;
}

/** Ids are limited by their pattern (`^[A-Za-z]...{0,63}$`): one letter plus up to 63 more. */
function patternLengthAt(schema: JsonRecord, pointer: string): number {
  const match = /\{0,(\d+)\}\$$/.exec(String(at(schema, pointer)));
  if (!match) throw new Error(`flow schema: the pattern at ${pointer} does not end in {0,N}$`);
  return 1 + Number(match[1]);
}

function readCaps(schema: JsonRecord): FlowSchemaCaps {
  return Object.freeze({
    nameChars: numberAt(schema, '/properties/name/maxLength'),
    descriptionChars: numberAt(schema, '/properties/description/maxLength'),
    idChars: patternLengthAt(schema, '/definitions/id/pattern'),
    variableNameChars: patternLengthAt(schema, '/definitions/variableName/pattern'),
    textChars: numberAt(schema, '/definitions/text/maxLength'),
    intentsPerBlock: numberAt(schema, '/definitions/intentBlock/properties/intents/maxItems'),
    intentDescriptionChars: numberAt(schema, '/definitions/intentOption/properties/description/maxLength'),
    examplesPerIntent: numberAt(schema, '/definitions/intentOption/properties/examples/maxItems'),
    exampleChars: numberAt(schema, '/definitions/intentOption/properties/examples/items/maxLength'),
    maxNoMatch: numberAt(schema, '/definitions/intentBlock/properties/maxNoMatch/maximum'),
    httpTimeoutMs: numberAt(schema, '/definitions/httpBlock/properties/timeoutMs/maximum'),
  });
}

export const FLOW_SCHEMA_CAPS: FlowSchemaCaps = readCaps(flowSchemaDocument());

/** What a variable name (`saveAs`, a placeholder) must match, as the schema writes it. */
export const VARIABLE_NAME_PATTERN = new RegExp(String(at(flowSchemaDocument(), '/definitions/variableName/pattern')));
