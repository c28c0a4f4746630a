/**
 * Reading a flow document that may be malformed. Validation reports every problem of an upload at
 * once, so its rules run on whatever arrived, typed or not; these helpers never throw.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A block of the document that is an object, with its position in `blocks`. */
export interface BlockEntry {
  index: number;
  block: JsonRecord;
}

/** The document's blocks that are objects, in document order; none when there is no `blocks` array. */
export function blockEntries(doc: unknown): BlockEntry[] {
  if (!isRecord(doc) || !Array.isArray(doc.blocks)) return [];
  const entries: BlockEntry[] = [];
  doc.blocks.forEach((block: unknown, index: number) => {
    if (isRecord(block)) entries.push({ index, block });
  });
  return entries;
}

/** `value` when it is a string, else undefined. */
export function stringField(record: JsonRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}
