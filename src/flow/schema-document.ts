import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord, type JsonRecord } from './document';

/** Path of the flow JSON Schema; the same two levels up from src/flow and from dist/flow. */
export const FLOW_SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'flow.schema.json');

let document: JsonRecord | undefined;

/** schemas/flow.schema.json, read once per process: the single source of truth for the flow format. */
export function flowSchemaDocument(): JsonRecord {
  if (!document) {
    const parsed: unknown = JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8'));
    if (!isRecord(parsed)) throw new Error(`${FLOW_SCHEMA_PATH} is not a JSON Schema object`);
    document = parsed;
  }
  return document;
}
