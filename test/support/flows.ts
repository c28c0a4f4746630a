import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Flow } from '../../src/flow/types';

export const DEFAULT_FLOW_PATH = join(__dirname, '..', '..', 'flows', 'travel-assistant.json');

/** A fresh copy of the bundled default flow, safe to mutate. */
export function defaultFlow(): Flow {
  return JSON.parse(readFileSync(DEFAULT_FLOW_PATH, 'utf8')) as Flow;
}
