import { readFile } from 'node:fs/promises';
import type { FlowProblem } from '../flow/problems';
import { UsageError } from './io';

export type FlowFile = { ok: true; value: unknown } | { ok: false; problem: FlowProblem };

/** Reads and parses a flow file. An unreadable file is a usage error; malformed JSON is an invalid flow. */
export async function readFlowFile(file: string | undefined): Promise<FlowFile> {
  if (!file) throw new UsageError('missing FILE');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, problem: { path: '', code: 'invalid_json', message: `not valid JSON: ${(err as Error).message}` } };
  }
}
